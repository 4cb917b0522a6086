-- wrk script of infra/bench/accounting: POSTs the body of $BENCH_BODY_FILE with "Authorization: Bearer $BENCH_KEY" at
-- a fixed offered rate, $BENCH_RATE requests/s over all $BENCH_THREADS threads (each thread an equal share, on an
-- absolute schedule: a request waits for its slot; slots missed by more than 1 s are dropped and counted, so a slow
-- edge shows as achieved < offered instead of a burst). With BENCH_TRACK=1 it also reads every response and records
-- per status class, and the wall-clock times (ms since the epoch) of the first 429 key_exhausted and of the last 200.
-- Prints one JSON line prefixed "BENCH_JSON ".
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } relay_bench_timeval;
int gettimeofday(relay_bench_timeval *tv, void *tz);
]]
local tv = ffi.new("relay_bench_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads - 1)
end

local interval, next_slot
missed, ok, exhausted, other429, other = 0, 0, 0, 0, 0
first_exhausted, last_ok, first_ok, ok_after_exhausted = nil, nil, nil, 0

function init(args)
  local rate = tonumber(os.getenv("BENCH_RATE")) / tonumber(os.getenv("BENCH_THREADS"))
  interval = 1000.0 / rate
  -- threads start half-way between each other's slots, so they do not send in pairs
  next_slot = now_ms() + (index or 0) * interval / tonumber(os.getenv("BENCH_THREADS"))
end

function delay()
  local now = now_ms()
  if next_slot < now - 1000 then
    missed = missed + math.floor((now - next_slot) / interval)
    next_slot = now
  end
  local d = next_slot - now
  next_slot = next_slot + interval
  if d < 0 then d = 0 end
  return d
end

if os.getenv("BENCH_TRACK") == "1" then
  function response(status, headers, body)
    local t = now_ms()
    if status == 200 then
      ok = ok + 1
      last_ok = t
      if first_ok == nil then first_ok = t end
      if first_exhausted ~= nil then ok_after_exhausted = ok_after_exhausted + 1 end
    elseif status == 429 then
      local code = headers["x-relay-error-code"] or headers["X-Relay-Error-Code"]
      if code == "key_exhausted" or (body ~= nil and string.find(body, "key_exhausted", 1, true)) then
        exhausted = exhausted + 1
        if first_exhausted == nil then first_exhausted = t end
      else
        other429 = other429 + 1
      end
    else
      other = other + 1
    end
  end
end

local function num(v) if v == nil then return "null" end return string.format("%.3f", v) end

done = function(summary, latency, requests)
  local agg = {missed = 0, ok = 0, exhausted = 0, other429 = 0, other = 0, ok_after_exhausted = 0}
  local fe, lo, fo = nil, nil, nil
  for _, t in ipairs(threads) do
    for k, _ in pairs(agg) do agg[k] = agg[k] + (t:get(k) or 0) end
    local v = t:get("first_exhausted")
    if v ~= nil and (fe == nil or v < fe) then fe = v end
    v = t:get("last_ok")
    if v ~= nil and (lo == nil or v > lo) then lo = v end
    v = t:get("first_ok")
    if v ~= nil and (fo == nil or v < fo) then fo = v end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"missed":%d,' ..
    '"track":{"ok":%d,"exhausted":%d,"other429":%d,"other":%d,"ok_after_exhausted":%d,' ..
    '"first_exhausted_ms":%s,"last_ok_ms":%s,"first_ok_ms":%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, agg.missed,
    agg.ok, agg.exhausted, agg.other429, agg.other, agg.ok_after_exhausted, num(fe), num(lo), num(fo)))
end
