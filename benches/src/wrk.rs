//! HTTP load from `wrk` (Debian's package; `.ci/run` installs it), pinned
//! to the load core, with its throughput, tail latency and errors read back
//! from its report.

use std::process::Command;

use anyhow::Context;

/// What one `wrk` run measured.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub requests_per_second: f64,
    pub p99_ms: f64,
    /// Non-2xx answers and socket errors together.
    pub errors: u64,
}

/// One request shape for `wrk`: a GET, or a POST with a JSON body, with headers.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub json_body: Option<String>,
    /// Bearer tokens taking turns, one request each.
    pub bearers: Vec<String>,
}

impl Request {
    pub fn get(url: &str) -> Self {
        Request { url: url.to_owned(), headers: Vec::new(), json_body: None, bearers: Vec::new() }
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Signs each request in with the next of `tokens`, in turn.
    pub fn bearer_each(mut self, tokens: Vec<String>) -> Self {
        self.bearers = tokens;
        self
    }

    pub fn post_json(mut self, body: String) -> Self {
        self.json_body = Some(body);
        self
    }
}

/// Runs `wrk` for `seconds` with `connections` on `core`.
pub fn run(request: &Request, connections: u32, seconds: u32, core: u32) -> anyhow::Result<Load> {
    let script = tempfile::Builder::new().suffix(".lua").tempfile()?;
    std::fs::write(script.path(), lua_script(request))?;
    let mut command = Command::new("taskset");
    command.args(["-c", &core.to_string(), "wrk", "--latency", "-t1"]);
    command.args(["-c", &connections.to_string(), "-d", &format!("{seconds}s")]);
    for (name, value) in &request.headers {
        command.args(["-H", &format!("{name}: {value}")]);
    }
    command.arg("-s").arg(script.path());
    let output = command.arg(&request.url).output().context("running wrk (apt-get install wrk)")?;
    anyhow::ensure!(output.status.success(), "wrk failed: {}", String::from_utf8_lossy(&output.stderr));
    parse(&String::from_utf8(output.stdout)?)
}

/// The `wrk` script: the method and body, and tokens taking turns.
fn lua_script(request: &Request) -> String {
    let mut lua = String::new();
    if let Some(body) = &request.json_body {
        lua.push_str(&format!(
            "wrk.method = \"POST\"\nwrk.body = {}\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
            lua_string(body)
        ));
    }
    if !request.bearers.is_empty() {
        let tokens: Vec<String> = request.bearers.iter().map(|token| lua_string(&format!("Bearer {token}"))).collect();
        lua.push_str(&format!(
            "local tokens = {{{}}}\nlocal turn = 0\nrequest = function()\n  turn = turn % #tokens + 1\n  \
             wrk.headers[\"Authorization\"] = tokens[turn]\n  return wrk.format()\nend\n",
            tokens.join(", ")
        ));
    }
    lua
}

/// A Lua string literal holding `text`.
fn lua_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

fn parse(report: &str) -> anyhow::Result<Load> {
    let field = |prefix: &str| report.lines().map(str::trim).find_map(|line| line.strip_prefix(prefix));
    let requests_per_second = field("Requests/sec:").context("wrk reported no rate")?.trim().parse()?;
    let p99_ms = duration_ms(field("99%").context("wrk reported no p99")?.trim())?;
    let non_2xx: u64 = field("Non-2xx or 3xx responses:").map_or(Ok(0), |count| count.trim().parse())?;
    let socket_errors: u64 = field("Socket errors:").map_or(0, |counts| {
        counts.split(',').filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok()).sum()
    });
    Ok(Load { requests_per_second, p99_ms, errors: non_2xx + socket_errors })
}

/// wrk's durations: `812.00us`, `1.23ms`, `2.01s`, `1.50m`.
fn duration_ms(text: &str) -> anyhow::Result<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic()).context("a duration with a unit")?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse()?;
    let scale = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        other => anyhow::bail!("unknown wrk unit {other}"),
    };
    Ok(number * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_report() {
        let report = "Running 5s test @ http://127.0.0.1:1/\n  1 threads and 8 connections\n  Latency Distribution\n     50%  150.00us\n     75%  200.00us\n     90%  300.00us\n     99%    1.50ms\n  240000 requests in 5.00s, 40.00MB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 3\nRequests/sec:  48000.12\nTransfer/sec:      8.00MB\n";
        let load = parse(report).expect("a report");
        assert_eq!(load.requests_per_second, 48000.12);
        assert_eq!(load.p99_ms, 1.5);
        assert_eq!(load.errors, 6);
    }

    #[test]
    fn quotes_json_for_lua() {
        assert_eq!(lua_string("{\"a\": \"b\\n\"}"), "\"{\\\"a\\\": \\\"b\\\\n\\\"}\"");
    }
}
