-- wrk script: the PWA's outbox flush. Each request POSTs a batch of BATCH new poster
-- conversations to /sync/ (one attendee token per request, round robin); the per-write
-- results must all be 201. Counts writes and statuses per thread.
BATCH = 10
writes = 0
statuses = {}
bad_writes = 0
local threads = {}
local counter = 0

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
  math.randomseed(os.time() * 100 + id + 50)
  slug = args[1]
  tokens = {}
  for line in io.lines(args[2]) do table.insert(tokens, line) end
end

function request()
  counter = counter + 1
  local items = {}
  for i = 1, BATCH do
    local id = uuid4()
    items[i] = '{"op": "put", "type": "conversation", "id": "' .. id .. '", "base_version": null, "data": '
      .. '{"poster_title": "Bench poster ' .. id .. '", "talked_at": "2026-10-24T10:00:00Z", "notes": "Batch write."}}'
  end
  writes = writes + BATCH
  return wrk.format("POST", "/api/v1/conferences/" .. slug .. "/sync/",
    {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. tokens[(counter % #tokens) + 1]},
    "[" .. table.concat(items, ",") .. "]")
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local _, created = string.gsub(body, '"status":201', "")
  local _, created_spaced = string.gsub(body, '"status": 201', "")
  bad_writes = bad_writes + (BATCH - created - created_spaced)
end

function done(summary, latency, requests)
  local sent, bad, by_status = 0, 0, {}
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("writes")
    bad = bad + thread:get("bad_writes")
    local s = thread:get("statuses")
    for code, n in pairs(s) do by_status[code] = (by_status[code] or 0) + n end
  end
  io.write("RESULT sent=" .. sent .. " bad_writes=" .. bad)
  for code, n in pairs(by_status) do io.write(" status" .. code .. "=" .. n) end
  io.write(string.format(" p50_ms=%.2f p99_ms=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
