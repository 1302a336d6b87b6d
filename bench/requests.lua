-- wrk script: sends the requests listed in $REQUESTS_FILE, one per line, tab-separated:
--   METHOD  PATH  TOKEN  IF-MATCH (or -)  JSON BODY (or -)
-- Each wrk thread takes every n-th line from its own offset, so no line is sent twice within a
-- run unless the file is exhausted (PATCH lines carry the ETag of a version that is used once).
-- Prints the non-2xx count and p50/p95/p99 in milliseconds.
local lines = {}
local index = 0
local step = 1

function setup(thread)
    thread:set("id", (setup_count or 0))
    setup_count = (setup_count or 0) + 1
    thread:set("threads", tonumber(os.getenv("THREADS") or "2"))
end

function init(args)
    local file = assert(io.open(os.getenv("REQUESTS_FILE"), "r"))
    for line in file:lines() do
        if #line > 0 then lines[#lines + 1] = line end
    end
    file:close()
    index = id + 1 + (tonumber(os.getenv("OFFSET") or "0"))
    step = threads
end

function request()
    local line = lines[(index - 1) % #lines + 1]
    index = index + step
    local method, path, token, etag, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
    local headers = { ["Authorization"] = "Bearer " .. token }
    if etag ~= "-" then headers["If-Match"] = etag end
    if body ~= "-" then
        headers["Content-Type"] = "application/json"
        return wrk.format(method, path, headers, body)
    end
    return wrk.format(method, path, headers)
end

function done(summary, latency, requests)
    io.write(string.format("non-2xx or socket errors: %d\n",
        summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
    io.write(string.format("percentiles ms: %.2f %.2f %.2f\n",
        latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
