-- wrk script for bench/run.py: the page's path, cookie and headers come from the environment.
-- With BENCH_BOOKERS (a JSON list of {cookie, token, shift}), each thread is one person on one connection,
-- booking their shift and cancelling it in turn, as htmx does from a shift card.
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local bookers_json = os.getenv("BENCH_BOOKERS") or "[]"
-- A form to post instead of a page to get (asking for a sign-in link): its body and CSRF token.
local form = os.getenv("BENCH_FORM") or ""
local token = os.getenv("BENCH_TOKEN") or ""

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
-- Statuses of 400 and above, as "status:count" pairs, read by done() from every thread.
failed = ""
local failures = {}

-- The person's state follows the answers, not the requests: wrk makes one request at the start of a connection
-- that it never sends, which flipped the turn and made the next "cancel" come before any "book" (a 409).
function response(status, headers, body)
  if me ~= nil and status < 400 then
    booked = not booked
  end
  if status >= 400 then
    failures[status] = (failures[status] or 0) + 1
    local pairs_ = {}
    for code, count in pairs(failures) do pairs_[#pairs_ + 1] = code .. ":" .. count end
    failed = table.concat(pairs_, ",")
  end
end

function init(args)
  local list = bookers()
  if #list > 0 then
    me = list[index]
  end
end

function request()
  if me == nil and form ~= "" then
    -- wrk.format's headers replace wrk.headers: the session cookie goes along by hand.
    local headers = {["Cookie"] = "session=" .. cookie, ["X-CSRFToken"] = token,
                     ["Content-Type"] = "application/x-www-form-urlencoded", ["User-Agent"] = wrk.headers["User-Agent"]}
    return wrk.format("POST", path, headers, form)
  end
  if me == nil then
    return wrk.format("GET", path)
  end
  local action = booked and "cancel" or "book"
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
  local statuses = {}
  for _, thread in ipairs(threads) do
    for code, count in string.gmatch(thread:get("failed") or "", "(%d+):(%d+)") do
      statuses[code] = (statuses[code] or 0) + tonumber(count)
    end
  end
  local listed = {}
  for code, count in pairs(statuses) do listed[#listed + 1] = string.format('"%s": %d', code, count) end
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout, table.concat(listed, ", ")))
end
