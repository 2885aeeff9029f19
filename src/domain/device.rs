//! A coarse description of the device behind a session ("Firefox on
//! Linux"), derived from its User-Agent, so a member can tell their
//! sessions apart without Kindred showing (or keeping) more than that.

/// Browsers in the order they must be checked: many User-Agents name
/// several (Edge and Opera also say "Chrome", Chrome also says "Safari").
const BROWSERS: [(&str, &str); 8] = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
];

/// Systems, likewise in checking order (Android says "Linux", iOS says "Mac OS X").
const SYSTEMS: [(&str, &str); 7] = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
];

/// "Browser on System", either part falling back to a neutral word.
pub fn describe(user_agent: Option<&str>) -> String {
    let agent = user_agent.unwrap_or_default();
    let find = |table: &[(&str, &'static str)]| table.iter().find(|(marker, _)| agent.contains(marker)).map(|e| e.1);
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("An app on {system}"),
        (None, None) => "An unknown device".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_user_agents_get_a_browser_and_a_system() {
        let table = [
            ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "Safari on macOS",
            ),
            ("curl/8.5.0", "curl"),
            ("KindredApp/1.0 (Android)", "An app on Android"),
        ];
        for (agent, expected) in table {
            assert_eq!(describe(Some(agent)), expected, "{agent}");
        }
        assert_eq!(describe(None), "An unknown device");
        assert_eq!(describe(Some("something")), "An unknown device");
    }
}
