-- wrk script: offline logbook writes from many attendees (one API token each, round robin).
-- Each request PUTs a new poster conversation under a fresh client UUID; every 10th request
-- replays the previous write exactly (an offline client retrying), which must not create a
-- second row. Counts statuses per thread.
local counter = 0
local last_id = nil
statuses = {}
unique = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local function uuid4()
  local t = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(t, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function init(args)
  math.randomseed(os.time() * 100 + id)
  slug = args[1]
  tokens = {}
  for line in io.lines(args[2]) do table.insert(tokens, line) end
end

function request()
  counter = counter + 1
  local id
  if last_id ~= nil and counter % 10 == 0 then
    id = last_id
  else
    id = uuid4()
    unique = unique + 1
    last_id = id
    last_token = tokens[(counter % #tokens) + 1]
  end
  local body = '{"poster_title": "Bench poster ' .. id .. '", "talked_at": "2026-10-24T10:00:00Z", "notes": "Asked about the ablation; author says the code is out next week."}'
  return wrk.format("PUT", "/api/v1/conferences/" .. slug .. "/conversations/" .. id .. "/",
    {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. last_token}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total_unique, by_status = 0, {}
  for _, thread in ipairs(threads) do
    total_unique = total_unique + thread:get("unique")
    local s = thread:get("statuses")
    for code, n in pairs(s) do by_status[code] = (by_status[code] or 0) + n end
  end
  io.write("RESULT unique=" .. total_unique)
  for code, n in pairs(by_status) do io.write(" status" .. code .. "=" .. n) end
  io.write(string.format(" p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
