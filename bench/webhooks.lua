-- wrk's side of bench/webhooks.py: each thread, with one connection, sends its share of the
-- signed deliveries in the file's order, each once, for as long as wrk runs.
--
--   wrk -t N -c N -d SECONDS -s bench/webhooks.lua URL -- DELIVERIES N
--
-- DELIVERIES holds one delivery per line: the Stripe-Signature header, a tab, the body.
-- done() prints "status CODE COUNT" for every HTTP status received, the requests answered
-- and the run's length, and how many threads used up their share before the end (the run
-- then had too few deliveries to measure anything but repeats).

local made = 0
local threads = {}

function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end

function init(args)
  local every = tonumber(args[2])
  deliveries, answered, statuses, exhausted = {}, 0, {}, 0
  local line_number = 0
  for line in io.lines(args[1]) do
    if line_number % every == id then
      local signature, body = line:match("^([^\t]+)\t(.+)$")
      deliveries[#deliveries + 1] = wrk.format("POST", nil, {
        ["Stripe-Signature"] = signature,
        ["Content-Type"] = "application/json",
      }, body)
    end
    line_number = line_number + 1
  end
end

function request()
  -- The first delivery not answered yet: after a socket error wrk asks again, and the same
  -- delivery goes again, as Stripe would send it (the app answers a repeat as a duplicate).
  if answered >= #deliveries then
    exhausted = 1
    return deliveries[#deliveries]
  end
  return deliveries[answered + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  answered = answered + 1
end

function done(summary, latency, requests)
  local totals, exhausted = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    exhausted = exhausted + thread:get("exhausted")
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
  io.write(string.format("answered %d in %d us\n", summary.requests, summary.duration))
  io.write(string.format("exhausted %d\n", exhausted))
  local errors = summary.errors
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    errors.connect, errors.read, errors.write, errors.timeout))
end
