-- Reads numbers, one per line, from standard input; prints their count,
-- sum, least and greatest (and mean with --mean).
local count, sum, least, greatest = 0, 0, math.huge, -math.huge
local number = 0
for line in io.lines() do
  number = number + 1
  if not line:match("^%s*$") then
    local x = tonumber(line)
    if x == nil then
      io.stderr:write("line " .. number .. " is not a number: " .. line .. "\n")
      os.exit(1)
    end
    count = count + 1
    sum = sum + x
    least = math.min(least, x)
    greatest = math.max(greatest, x)
  end
end
if count == 0 then
  io.stderr:write("no numbers\n")
  os.exit(1)
end
print("count " .. count)
print("sum " .. sum)
print("min " .. least)
print("max " .. greatest)
if arg[1] == "--mean" then
  print("mean " .. sum / count)
end
