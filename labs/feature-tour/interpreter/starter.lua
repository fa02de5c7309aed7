-- Read numbers, one per line, from standard input (io.lines()), and print
-- their count, sum, least and greatest, as README.md shows.
for line in io.lines() do
  print(line)
end
