-- wrk: check-in PUTs by random members on random days of their last two
-- weeks, done or skipped at random, so some change the day and some repeat
-- it (both are real traffic: a phone retries).
local data = dofile(os.getenv("TETHER_LOAD_DATA"))
math.randomseed(os.time() + math.floor(os.clock() * 1000000))

request = function()
  local member = data[math.random(#data)]
  local day = member.dates[math.random(#member.dates)]
  local status = math.random(2) == 1 and "done" or "skipped"
  return wrk.format("PUT", "/v1/goals/" .. member.goal .. "/check-ins/" .. day, {
    ["Authorization"] = "Bearer " .. member.token,
    ["Content-Type"] = "application/json",
  }, '{"status":"' .. status .. '"}')
end
