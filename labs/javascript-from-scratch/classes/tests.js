// Tests for the classes lab. Each function is one check: it makes
// playlists with the class in main.js, uses them, and asserts what must
// then be true.

function testNewPlaylist() {
  const list = new Playlist("Road trip");
  assert.equal(list.name, "Road trip");
  assert.deepEqual(list.songs, []);
  assert.equal(list.duration, 0);
}

function testAdd() {
  const list = new Playlist("Road trip");
  list.add("Roadrunner", 245);
  list.add("Drive", 85);
  assert.deepEqual(list.songs, [{ title: "Roadrunner", seconds: 245 }, { title: "Drive", seconds: 85 }]);
  assert.equal(list.duration, 330);
}

function testAddReturnsThePlaylist() {
  const list = new Playlist("Mix");
  const returned = list.add("One", 60);
  assert.equal(returned, list);
  list.add("Two", 30).add("Three", 90);
  assert.equal(list.songs.length, 3);
}

function testAddRefusesBadLengths() {
  const list = new Playlist("Mix");
  assert.throws(() => list.add("Silence", 0), RangeError);
  assert.throws(() => list.add("Backwards", -5), RangeError);
  assert.deepEqual(list.songs, []);
}

function testRemove() {
  const list = new Playlist("Mix");
  list.add("One", 60);
  list.add("Two", 30);
  const removed = list.remove("One");
  assert.equal(removed, true);
  assert.deepEqual(list.songs, [{ title: "Two", seconds: 30 }]);
  assert.equal(list.duration, 30);
}

function testRemoveMissing() {
  const list = new Playlist("Mix");
  list.add("One", 60);
  const removed = list.remove("Nine");
  assert.equal(removed, false);
  assert.equal(list.songs.length, 1);
}

function testToString() {
  const list = new Playlist("Road trip");
  list.add("Roadrunner", 245);
  list.add("Drive", 85);
  assert.equal(`${list}`, "Road trip (2 songs, 5:30)");
  assert.equal(String(new Playlist("Quiet")), "Quiet (0 songs, 0:00)");
}

function testToStringOfOneShortSong() {
  const list = new Playlist("Solo");
  list.add("Intro", 65);
  assert.equal(`${list}`, "Solo (1 song, 1:05)");
}

function testRemoveTakesOnlyTheFirst() {
  const list = new Playlist("Repeat");
  list.add("Echo", 10);
  list.add("Other", 20);
  list.add("Echo", 30);
  assert.equal(list.remove("Echo"), true);
  assert.deepEqual(list.songs, [{ title: "Other", seconds: 20 }, { title: "Echo", seconds: 30 }]);
}

function testPlaylistsAreSeparate() {
  const mine = new Playlist("Mine");
  const yours = new Playlist("Yours");
  mine.add("Only mine", 100);
  assert.deepEqual(yours.songs, []);
  assert.equal(yours.duration, 0);
}
