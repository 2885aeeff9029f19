//! Time the hypervisor took from this machine's CPUs (the `steal` column of
//! `/proc/stat`): on a virtual machine, a stall no code of ours causes, so
//! a latency run reports it beside its percentiles.

use std::time::Duration;

/// Clock ticks a second in `/proc/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// CPU time stolen from all CPUs together since boot, if the system says.
pub fn stolen() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let all_cpus = stat.lines().find(|line| line.starts_with("cpu "))?;
    let ticks: u64 = all_cpus.split_whitespace().nth(8)?.parse().ok()?;
    Some(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
}

/// What `stolen` rose by since `before`, in milliseconds, or "-" where unknown.
pub fn since(before: Option<Duration>) -> String {
    match (before, stolen()) {
        (Some(before), Some(after)) => format!("{}", after.saturating_sub(before).as_millis()),
        _ => "-".to_owned(),
    }
}
