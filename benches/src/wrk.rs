//! HTTP load from `wrk` (Debian's package; `.ci/run` installs it), pinned
//! to the load core, with its throughput, tail latency and errors read back
//! from its report.

use std::process::Command;

use anyhow::Context;

use crate::stats::{median, spread};

/// What one `wrk` run measured.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub requests_per_second: f64,
    pub p99_ms: f64,
    /// Non-2xx answers and socket errors together.
    pub errors: u64,
}

/// How a read scenario saturates the server with `wrk` and then paces it:
/// the flags S1 and S7 share.
#[derive(clap::Args, Clone)]
pub struct Saturation {
    /// Seconds per `wrk` measurement.
    #[arg(long, default_value_t = 5)]
    pub seconds: u32,
    /// Connections `wrk` keeps open.
    #[arg(long, default_value_t = 32)]
    pub connections: u32,
    /// Control and scenario measurements, alternating.
    #[arg(long, default_value_t = 5)]
    pub pairs: usize,
    /// Seconds of paced load.
    #[arg(long, default_value_t = 10.0)]
    pub paced_seconds: f64,
    /// The paced load's rate, as a fraction of the saturation rate.
    #[arg(long, default_value_t = 0.5)]
    pub paced_fraction: f64,
    /// The core the load generator runs on.
    #[arg(long, default_value_t = 0)]
    pub load_core: u32,
}

impl Saturation {
    /// One `wrk` measurement of `request`, off the async runtime's threads.
    pub async fn measure(&self, request: &Request) -> anyhow::Result<Load> {
        let (request, options) = (request.clone(), self.clone());
        tokio::task::spawn_blocking(move || run(&request, options.connections, options.seconds, options.load_core))
            .await?
    }
}

/// One request shape for `wrk`: a GET, or a POST with a JSON body, with headers.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub json_body: Option<String>,
    /// Bearer tokens taking turns, one request each.
    pub bearers: Vec<String>,
    /// Paths (with their query) taking turns on the URL's host, one request each.
    pub paths: Vec<String>,
}

impl Request {
    pub fn get(url: &str) -> Self {
        Request { url: url.to_owned(), headers: Vec::new(), json_body: None, bearers: Vec::new(), paths: Vec::new() }
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

    /// Sends each request to the next of `paths` (on the URL's host), in turn.
    pub fn path_each(mut self, paths: Vec<String>) -> Self {
        self.paths = paths;
        self
    }

    pub fn post_json(mut self, body: String) -> Self {
        self.json_body = Some(body);
        self
    }
}

/// Prints a table row per `(name, runs)`: the median rate, its ratio to
/// `control`'s run of the same round (median, min-max), the median p99 and
/// all errors; returns the median rates, in order.
pub fn print_against_control(control: &[Load], rows: &[(&str, &[Load])]) -> Vec<f64> {
    println!("| request | requests/s (median) | ratio to hello (median, min-max) | p99 ms at saturation | errors |");
    println!("| --- | --- | --- | --- | --- |");
    let mut rates = Vec::new();
    for (name, runs) in rows {
        let ratios: Vec<f64> =
            runs.iter().zip(control).map(|(run, hello)| run.requests_per_second / hello.requests_per_second).collect();
        let (low, high) = spread(&ratios);
        let rate = median(&runs.iter().map(|run| run.requests_per_second).collect::<Vec<_>>());
        println!(
            "| {name} | {rate:.0} | {:.3}x ({low:.3}-{high:.3}) | {:.2} | {} |",
            median(&ratios),
            median(&runs.iter().map(|run| run.p99_ms).collect::<Vec<_>>()),
            runs.iter().map(|run| run.errors).sum::<u64>()
        );
        rates.push(rate);
    }
    rates
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

/// The `wrk` script: the method and body, and tokens and paths taking turns.
fn lua_script(request: &Request) -> String {
    let mut lua = String::new();
    if let Some(body) = &request.json_body {
        lua.push_str(&format!(
            "wrk.method = \"POST\"\nwrk.body = {}\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
            lua_string(body)
        ));
    }
    if request.bearers.is_empty() && request.paths.is_empty() {
        return lua;
    }
    let mut steps = String::new();
    let mut path = "nil";
    if !request.bearers.is_empty() {
        let tokens: Vec<String> = request.bearers.iter().map(|token| format!("Bearer {token}")).collect();
        lua.push_str(&lua_turns("tokens", &tokens));
        steps.push_str(
            "  tokens_turn = tokens_turn % #tokens + 1\n  wrk.headers[\"Authorization\"] = tokens[tokens_turn]\n",
        );
    }
    if !request.paths.is_empty() {
        lua.push_str(&lua_turns("paths", &request.paths));
        steps.push_str("  paths_turn = paths_turn % #paths + 1\n");
        path = "paths[paths_turn]";
    }
    lua.push_str(&format!("request = function()\n{steps}  return wrk.format(nil, {path})\nend\n"));
    lua
}

/// A Lua table `name` of `values` and its counter `name_turn`.
fn lua_turns(name: &str, values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| lua_string(value)).collect();
    format!("local {name} = {{{}}}\nlocal {name}_turn = 0\n", quoted.join(", "))
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
    fn takes_tokens_and_paths_in_turn() {
        let request = Request::get("http://127.0.0.1:1/")
            .bearer_each(vec!["a".into(), "b".into()])
            .path_each(vec!["/t/1?limit=50".into(), "/t/2".into()]);
        assert_eq!(
            lua_script(&request),
            "local tokens = {\"Bearer a\", \"Bearer b\"}\nlocal tokens_turn = 0\n\
             local paths = {\"/t/1?limit=50\", \"/t/2\"}\nlocal paths_turn = 0\n\
             request = function()\n  tokens_turn = tokens_turn % #tokens + 1\n  \
             wrk.headers[\"Authorization\"] = tokens[tokens_turn]\n  paths_turn = paths_turn % #paths + 1\n  \
             return wrk.format(nil, paths[paths_turn])\nend\n"
        );
        let posting = Request::get("http://127.0.0.1:1/").post_json("{}".into()).bearer_each(vec!["a".into()]);
        assert!(lua_script(&posting).starts_with("wrk.method = \"POST\"\nwrk.body = \"{}\"\n"));
        assert!(lua_script(&posting).ends_with("  return wrk.format(nil, nil)\nend\n"));
        assert_eq!(lua_script(&Request::get("http://127.0.0.1:1/")), "");
    }

    #[test]
    fn quotes_json_for_lua() {
        assert_eq!(lua_string("{\"a\": \"b\\n\"}"), "\"{\\\"a\\\": \\\"b\\\\n\\\"}\"");
    }
}
