-- wrk script for bench/run.py: the page's path, cookie and headers come from the environment.
-- With BENCH_BOOKERS (a JSON list of {cookie, token, shift}), each thread is one person on one connection,
-- booking their shift and cancelling it in turn, as htmx does from a shift card.
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local bookers_json = os.getenv("BENCH_BOOKERS") or "[]"

wrk.headers["User-Agent"] = os.getenv("BENCH_USER_AGENT")
wrk.headers["Accept-Encoding"] = os.getenv("BENCH_ACCEPT_ENCODING")
wrk.headers["Accept"] = "text/html"
if cookie ~= "" then
  wrk.headers["Cookie"] = "session=" .. cookie
end

local function bookers()
  local list = {}
  for c, t, s in bookers_json:gmatch('{"cookie": "([^"]+)", "token": "([^"]+)", "shift": (%d+)}') do
    list[#list + 1] = {cookie = c, token = t, shift = s}
  end
  return list
end

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

local me = nil
local booked = false

function init(args)
  local list = bookers()
  if #list > 0 then
    me = list[index]
  end
end

function request()
  if me == nil then
    return wrk.format("GET", path)
  end
  local action = booked and "cancel" or "book"
  booked = not booked
  local headers = {
    ["Cookie"] = "session=" .. me.cookie,
    ["X-CSRFToken"] = me.token,
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", "/shifts/" .. me.shift .. "/" .. action, headers, "")
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
