-- wrk script for scripts/bench-ingest: every connection POSTs web players' heartbeats to
-- /api/v1/heartbeats, one after another, each from a different viewer.
--
-- Arguments (after wrk's --): STAGES PREFIX VIEWERS BEAT_SECONDS
--   STAGES        stage ids, comma-separated; the beats take them in turn
--   PREFIX        viewer ids are PREFIX-THREAD-N (the script gives the warm-up and the
--                 measured run different prefixes, so it can count each run's rows apart,
--                 and no viewer of one run beats again at the start of the next)
--   VIEWERS       N cycles below VIEWERS in each wrk thread: at R beats/s per thread a viewer
--                 beats every VIEWERS / R seconds (the server refuses one beating more often
--                 than about every 5 s)
--   BEAT_SECONDS  each thread sends beats for this long from its first request, then lets
--                 its connections fall idle (delay()), so every beat sent is answered before
--                 wrk stops: wrk's -d must leave time for that. Then "sent = answered" holds
--                 and the rows of a run can be held against the beats accepted in it exactly.
--
-- sent_at is the real clock in ms (LuaJIT's ffi: wrk's Lua has no ms clock of its own),
-- the clock the window is timed with too: from each thread's first request to its last
-- answer (the last beats in flight at its deadline included).
--
-- done() prints one machine-readable line for the script; wrk's own report is printed too.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } stagehub_bench_timespec;
int clock_gettime(int clock_id, stagehub_bench_timespec *tp);
]]
local CLOCK_REALTIME = 0
local timespec = ffi.new("stagehub_bench_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_REALTIME, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

-- --- the main state: one entry per thread, for done() --------------------------------------
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

-- --- each thread's own state -----------------------------------------------------------------
local stages, prefix, viewers, beat_us, head
local counter = 0
local deadline_us = nil
local idle = false

-- Read by done() through thread:get(), so globals.
sent = 0            -- request() calls
statuses = {}       -- answers by HTTP status
first_us = 0        -- the thread's first request
last_us = 0         -- its last answer

function init(args)
  local usage = "ingest.lua needs the arguments STAGES PREFIX VIEWERS BEAT_SECONDS after --"
  if #args ~= 4 then
    error(usage)
  end
  stages = {}
  for stage in string.gmatch(args[1], "[^,]+") do
    stages[#stages + 1] = stage
  end
  prefix = args[2]
  viewers = tonumber(args[3])
  beat_us = tonumber(args[4]) and tonumber(args[4]) * 1000000
  if #stages == 0 or prefix == "" or not viewers or viewers < 1 or not beat_us or beat_us <= 0 then
    error(usage)
  end
  -- The request line and headers once; per beat only the body and its length change
  -- (cheaper than wrk.format, and wrk shares the cores with the server it loads).
  local host = wrk.host .. (wrk.port and ":" .. wrk.port or "")
  head = "POST /api/v1/heartbeats HTTP/1.1\r\nHost: " .. host ..
    "\r\nContent-Type: application/json\r\nContent-Length: "
end

-- Once the thread's beats are over (response() notices), each connection waits out the run
-- after its last answer.
function delay()
  return idle and 3600 * 1000 or 0
end

function request()
  local now = now_us()
  if not deadline_us then
    first_us = now
    deadline_us = now + beat_us
  end
  sent = sent + 1
  counter = counter + 1
  local body = string.format(
    '{"viewer":"%s-%d-%d","stage":"%s","position":%d,"played":15,"sent_at":%.0f}',
    prefix, id, counter % viewers, stages[counter % #stages + 1], counter % 3600,
    math.floor(now / 1000))
  return head .. #body .. "\r\n\r\n" .. body
end

function response(status, _, _)
  statuses[status] = (statuses[status] or 0) + 1
  last_us = now_us()
  idle = last_us >= deadline_us
end

function done(summary, latency, _)
  local total_sent, first, last = 0, nil, 0
  local by_status = {}
  for i, thread in ipairs(threads) do
    -- wrk calls request() once in the first thread's state before the run, to check that it
    -- makes a valid request; that one is never sent.
    total_sent = total_sent + thread:get("sent") - (i == 1 and 1 or 0)
    for status, n in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
    end
    local f, l = thread:get("first_us"), thread:get("last_us")
    if f > 0 and (not first or f < first) then
      first = f
    end
    if l > last then
      last = l
    end
  end
  local answered, other = 0, 0
  local codes = {}
  for status, n in pairs(by_status) do
    answered = answered + n
    if status ~= 200 and status ~= 429 and status ~= 503 and status ~= 400 then
      other = other + n
      codes[#codes + 1] = status .. ":" .. n
    end
  end
  table.sort(codes)
  local e = summary.errors
  io.write(string.format(
    "INGEST sent=%d answered=%d s200=%d s429=%d s503=%d s400=%d other=%d other_codes=%s " ..
    "window_us=%d requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d timeout=%d\n",
    total_sent, answered, by_status[200] or 0, by_status[429] or 0, by_status[503] or 0,
    by_status[400] or 0, other, #codes > 0 and table.concat(codes, ",") or "-",
    first and last - first or 0, summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout))
end
