class Playlist {
  constructor(name) {
    this.name = name;
  }

  // Adds a song; returns the playlist itself.
  add(title, seconds) {
  }

  // Removes the first song with this title: true if there was one.
  remove(title) {
  }

  // The total length in seconds.
  get duration() {
    return 0;
  }

  toString() {
    return this.name;
  }
}

// Try your class here, then press Run:
const trip = new Playlist("Road trip");
console.log(trip);
console.log(`${trip}`);
