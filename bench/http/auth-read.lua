-- auth-read.lua: wrk script for bench/http/run.
--
-- Spreads GET requests round-robin over N schools, each request carrying
-- that school's Host header and its own session cookie, so the server has to
-- resolve the school from the Host, find the session in that school's store
-- and answer JSON. The connection itself always goes to the address on
-- wrk's command line (127.0.0.1): only the Host header names the school.
--
-- Environment:
--   BENCH_SESSIONS  file with one "HOST<TAB>COOKIE" line per school
--                   (COOKIE as sent, e.g. "bis_session=..."); required
--   BENCH_PATH      request path (default /api/v1/auth/me)
--
-- All requests are formatted once in init(); request() only picks the next
-- one, so the client spends as little CPU as possible (it shares the two
-- cores with the server). done() prints one machine-readable line,
-- "BENCH_RESULT key=value ...", that bench/http/run parses.

local thread_count = 0

function setup(thread)
   thread:set("thread_index", thread_count)
   thread_count = thread_count + 1
end

local requests = {}
local next_index = 0

function init(args)
   local path = os.getenv("BENCH_PATH") or "/api/v1/auth/me"
   local sessions = os.getenv("BENCH_SESSIONS")
   if not sessions then
      error("BENCH_SESSIONS is not set")
   end
   local file = assert(io.open(sessions, "r"))
   for line in file:lines() do
      local host, cookie = line:match("^([^\t]+)\t(.+)$")
      if host then
         requests[#requests + 1] = wrk.format("GET", path, {
            ["Host"] = host,
            ["Cookie"] = cookie,
            ["Accept"] = "application/json",
         })
      end
   end
   file:close()
   if #requests == 0 then
      error("no sessions in " .. sessions)
   end
   -- Start each thread at a different school so that the first requests of
   -- both threads do not all land on the same store.
   local index = thread_index or 0
   next_index = (index * math.floor(#requests / 2)) % #requests
end

function request()
   next_index = next_index % #requests + 1
   return requests[next_index]
end

function done(summary, latency, requests_stats)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_s=%.3f rps=%.1f" ..
      " p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f" ..
      " non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean,
      e.status, e.connect, e.read, e.write, e.timeout))
end
