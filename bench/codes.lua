-- wrk script: GET /v1/municipalities/{code} over every code listed in $CODES_FILE, round robin.
local codes = {}
local index = 0

function init(args)
    local file = assert(io.open(os.getenv("CODES_FILE"), "r"))
    for line in file:lines() do
        if #line == 6 then codes[#codes + 1] = line end
    end
    file:close()
    index = math.random(#codes)
end

function request()
    index = index % #codes + 1
    return wrk.format("GET", "/v1/municipalities/" .. codes[index])
end

function done(summary, latency, requests)
    io.write(string.format("non-2xx or socket errors: %d\n",
        summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
