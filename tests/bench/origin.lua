-- wrk script for scripts/bench-origin: every connection asks, in turn, for the few files
-- every live viewer asks for at once (master playlist, rendition playlists, newest segments).
--
-- ORIGIN_PATHS names a file of URL paths, one a line. Each wrk thread cycles through all of
-- them; its connections take the next path in turn, so at any moment every file is being
-- asked for by some connections, as with viewers at staggered points.
--
-- No response() hook: with one, wrk hands every header and body to Lua, which would cost
-- wrk CPU it shares with the server. wrk counts 4xx/5xx itself (errors.status).
--
-- done() prints one machine-readable line for the script; wrk's own report is printed too.

local requests = {}
local next_index = 1

local function read_paths()
  local name = os.getenv("ORIGIN_PATHS")
  if not name then
    error("ORIGIN_PATHS is not set: it names the file of paths to request")
  end
  local file = assert(io.open(name, "r"))
  local paths = {}
  for line in file:lines() do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  file:close()
  if #paths == 0 then
    error(name .. " holds no paths")
  end
  return paths
end

-- Each wrk thread (its own Lua state): build every request once, not per request.
function init(args)
  for _, path in ipairs(read_paths()) do
    requests[#requests + 1] = wrk.format("GET", path)
  end
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "ORIGIN requests=%d duration_us=%d bytes=%d p50_us=%d p75_us=%d p90_us=%d p99_us=%d " ..
    "max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
