-- wrk: each request reads a random hall display or virtual ticket; the
-- bench appends the list of paths. At the end, print the percentiles.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d %d\n", p, latency:percentile(p)))
  end
end
