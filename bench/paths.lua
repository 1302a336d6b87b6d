-- wrk script: GET each path listed in $PATHS_FILE, round robin, with the bearer token in $TOKEN
-- (or, for the web pages, with the session cookie in $COOKIE).
local paths = {}
local index = 0
local token = os.getenv("TOKEN")
local cookie = os.getenv("COOKIE")

function init(args)
    local file = assert(io.open(os.getenv("PATHS_FILE"), "r"))
    for line in file:lines() do
        if #line > 0 then paths[#paths + 1] = line end
    end
    file:close()
    index = math.random(#paths)
end

function request()
    index = index % #paths + 1
    if cookie then
        return wrk.format("GET", paths[index], { ["Cookie"] = cookie, ["Accept-Language"] = "ja" })
    end
    return wrk.format("GET", paths[index], { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
    io.write(string.format("non-2xx or socket errors: %d\n",
        summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
