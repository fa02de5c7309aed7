class Playlist {
  constructor(name) {
    this.name = name;
    this.songs = [];
  }

  // Adds a song; returns the playlist itself.
  add(title, seconds) {
    if (seconds <= 0) {
      throw new RangeError(`a song cannot last ${seconds} seconds`);
    }
    this.songs.push({ title: title, seconds: seconds });
    return this;
  }

  // Removes the first song with this title: true if there was one.
  remove(title) {
    const index = this.songs.findIndex((song) => song.title === title);
    if (index === -1) {
      return false;
    }
    this.songs.splice(index, 1);
    return true;
  }

  // The total length in seconds.
  get duration() {
    return this.songs.reduce((sum, song) => sum + song.seconds, 0);
  }

  toString() {
    const count = this.songs.length;
    const minutes = Math.floor(this.duration / 60);
    const seconds = String(this.duration % 60).padStart(2, "0");
    return `${this.name} (${count} ${count === 1 ? "song" : "songs"}, ${minutes}:${seconds})`;
  }
}
