//! The instance's own look: its wordmark and one brand colour, from which
//! the web client's accent colours for light and dark screens are made.
//! Every colour pair is checked for WCAG contrast at start, so a brand can
//! never make Kindred hard to read; a colour that fails stops the start
//! with a sentence saying why.

/// Longest wordmark shown in the header.
pub const MAX_LOGO_CHARS: usize = 40;
/// WCAG AA for normal text.
const MIN_CONTRAST: f64 = 4.5;

/// The backgrounds and text colours of the client's theme (`frontend/src/theme.css`).
const LIGHT: Scheme = Scheme { backgrounds: [rgb(0xffffff), rgb(0xf7f5f0)], text: rgb(0x1e2328) };
const DARK: Scheme = Scheme { backgrounds: [rgb(0x1e2226), rgb(0x15181b)], text: rgb(0xebe8e2) };
const WHITE: Rgb = rgb(0xffffff);
/// Text on a light accent in the dark scheme.
const NEAR_BLACK: Rgb = rgb(0x0d1c1a);
/// How much of the accent tints its soft background (selected items, a linked message).
const SOFT_SHARE: f64 = 0.12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rgb([u8; 3]);

const fn rgb(value: u32) -> Rgb {
    Rgb([(value >> 16) as u8, (value >> 8) as u8, value as u8])
}

struct Scheme {
    /// The surface and the page behind it.
    backgrounds: [Rgb; 2],
    text: Rgb,
}

/// The accent colours for one scheme, each pair readable.
struct Accent {
    accent: Rgb,
    on_accent: Rgb,
    soft: Rgb,
}

pub struct Brand {
    /// The header's wordmark: `logo_text`, or the instance's name.
    pub logo_text: String,
    /// CSS setting the client's accent properties, when a brand colour is set.
    pub style: Option<String>,
}

impl Brand {
    /// The brand of an instance called `name`, with its own wordmark and colour if it has them.
    pub fn new(name: &str, logo_text: Option<&str>, brand_colour: Option<&str>) -> anyhow::Result<Self> {
        let logo_text = logo_text.map(str::trim).unwrap_or(name).to_owned();
        if logo_text.is_empty() || logo_text.chars().count() > MAX_LOGO_CHARS {
            anyhow::bail!("the logo_text must be 1 to {MAX_LOGO_CHARS} characters long");
        }
        let style = brand_colour.map(style_for).transpose()?;
        Ok(Brand { logo_text, style })
    }
}

/// The CSS for `colour`: its light-scheme accent as given, and a dark-scheme
/// accent lightened from it until it reads on dark backgrounds.
pub(crate) fn style_for(colour: &str) -> anyhow::Result<String> {
    let brand = parse(colour)?;
    let light = accent_for(brand, &LIGHT).ok_or_else(|| {
        let ratio = contrast(brand, LIGHT.backgrounds[0]);
        anyhow::anyhow!(
            "the brand_colour {colour} is too light to read on a white page ({ratio:.1}:1, at least \
             {MIN_CONTRAST}:1 is needed); choose a darker shade"
        )
    })?;
    let dark = (0..=20)
        .map(|step| mix(brand, WHITE, f64::from(step) * 0.05))
        .find_map(|lighter| accent_for(lighter, &DARK))
        .ok_or_else(|| anyhow::anyhow!("no shade of the brand_colour {colour} reads on a dark page"))?;
    Ok(format!(":root{{{}}}@media (prefers-color-scheme: dark){{:root{{{}}}}}", properties(&light), properties(&dark)))
}

/// `colour` as the accent of `scheme`, if it reads there: as text on both
/// backgrounds and on its own soft tint, with white or near-black text on it.
fn accent_for(colour: Rgb, scheme: &Scheme) -> Option<Accent> {
    let soft = mix(colour, scheme.backgrounds[0], 1.0 - SOFT_SHARE);
    let reads = |background| contrast(colour, background) >= MIN_CONTRAST;
    if !scheme.backgrounds.into_iter().all(reads) || !reads(soft) || contrast(scheme.text, soft) < MIN_CONTRAST {
        return None;
    }
    let on_accent =
        [WHITE, NEAR_BLACK].into_iter().max_by(|a, b| contrast(*a, colour).total_cmp(&contrast(*b, colour)))?;
    (contrast(on_accent, colour) >= MIN_CONTRAST).then_some(Accent { accent: colour, on_accent, soft })
}

fn properties(accent: &Accent) -> String {
    format!(
        "--accent:{};--accent-text:{};--accent-soft:{}",
        hex(accent.accent),
        hex(accent.on_accent),
        hex(accent.soft)
    )
}

fn parse(colour: &str) -> anyhow::Result<Rgb> {
    let digits = colour.trim().strip_prefix('#').filter(|digits| digits.len() == 6);
    let value = digits.and_then(|digits| u32::from_str_radix(digits, 16).ok());
    value.map(rgb).ok_or_else(|| anyhow::anyhow!("the brand_colour must be written #rrggbb, like #1c6661"))
}

fn hex(Rgb([red, green, blue]): Rgb) -> String {
    format!("#{red:02x}{green:02x}{blue:02x}")
}

/// `from` moved `share` (0 to 1) of the way to `to`.
fn mix(from: Rgb, to: Rgb, share: f64) -> Rgb {
    let channel = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
    Rgb([channel(from.0[0], to.0[0]), channel(from.0[1], to.0[1]), channel(from.0[2], to.0[2])])
}

/// WCAG 2 relative luminance.
fn luminance(Rgb(channels): Rgb) -> f64 {
    let [red, green, blue] = channels.map(|channel| {
        let value = f64::from(channel) / 255.0;
        if value <= 0.040_45 { value / 12.92 } else { ((value + 0.055) / 1.055).powf(2.4) }
    });
    0.2126 * red + 0.7152 * green + 0.0722 * blue
}

/// WCAG 2 contrast ratio, from 1 to 21.
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (lighter, darker) = {
        let (a, b) = (luminance(a), luminance(b));
        if a > b { (a, b) } else { (b, a) }
    };
    (lighter + 0.05) / (darker + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(brand_colour: Option<&str>, logo_text: Option<&str>) -> anyhow::Result<Brand> {
        Brand::new("Kindred", logo_text, brand_colour)
    }

    #[test]
    fn contrast_runs_from_one_to_twenty_one() {
        assert!((contrast(rgb(0x000000), WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // The shipped accent on white, as theme.css says it was checked.
        assert!(contrast(rgb(0x1c6661), WHITE) >= MIN_CONTRAST);
    }

    #[test]
    fn no_brand_colour_leaves_the_shipped_theme_and_the_name_is_the_wordmark() {
        let brand = brand(None, None).expect("the defaults start");
        assert_eq!(brand.style, None);
        assert_eq!(brand.logo_text, "Kindred");
    }

    #[test]
    fn a_dark_brand_colour_is_the_light_accent_and_is_lightened_for_dark_screens() {
        let brand = brand(Some("#6a1b9a"), Some("Walsall Walkers")).expect("readable");
        assert_eq!(brand.logo_text, "Walsall Walkers");
        let style = brand.style.expect("a style");
        let (light, dark) = style.split_once("@media").expect("both schemes");
        assert!(light.contains("--accent:#6a1b9a;--accent-text:#ffffff"), "{light}");
        let dark_accent = dark.split("--accent:").nth(1).and_then(|rest| rest.get(..7)).expect("a dark accent");
        let dark_accent = parse(dark_accent).expect("a colour");
        assert!(DARK.backgrounds.iter().all(|background| contrast(dark_accent, *background) >= MIN_CONTRAST));
    }

    #[test]
    fn a_colour_too_light_to_read_is_refused_with_its_ratio() {
        let Err(error) = brand(Some("#ffcc00"), None) else { panic!("too light") };
        assert!(error.to_string().contains("too light to read"), "{error}");
        assert!(error.to_string().contains(":1"), "{error}");
    }

    #[test]
    fn a_colour_must_be_six_hex_digits_and_a_wordmark_short() {
        for written in ["1c6661", "#1c666", "#1c66611", "#gggggg", "teal"] {
            assert!(brand(Some(written), None).is_err(), "{written}");
        }
        let long = "x".repeat(MAX_LOGO_CHARS + 1);
        assert!(brand(None, Some(&long)).is_err());
        assert!(brand(None, Some("  ")).is_err());
        assert!(brand(None, Some(&"x".repeat(MAX_LOGO_CHARS))).is_ok());
    }
}
