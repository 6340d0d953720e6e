-- wrk: progress GETs of random members' goals.
local data = dofile(os.getenv("TETHER_LOAD_DATA"))
math.randomseed(os.time() + math.floor(os.clock() * 1000000))

request = function()
  local member = data[math.random(#data)]
  return wrk.format("GET", "/v1/goals/" .. member.goal .. "/progress", {
    ["Authorization"] = "Bearer " .. member.token,
  })
end
