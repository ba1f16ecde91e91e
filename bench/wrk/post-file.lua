-- wrk script: POST the same body (a file, e.g. an NDJSON batch) on every request.
-- usage: wrk ... -s post-file.lua URL -- TOKEN FILE CONTENT_TYPE
function init(args)
  local f = assert(io.open(args[2], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = args[3]
end
