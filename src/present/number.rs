//! Numbers as the page writes them in prose.

/// `n` with its thousands grouped by commas, as the docs write Traverse's limits: `5,000,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `n` of `noun`, grouped, with the noun's plural for any count but one: `1 file`, `2,048 files`.
pub fn counted(n: usize, noun: &str) -> String {
    format!("{} {noun}{}", grouped(n as u64), if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::{counted, grouped};

    #[test]
    fn a_count_takes_its_noun_in_the_plural_but_for_one() {
        assert_eq!(counted(0, "finding"), "0 findings");
        assert_eq!(counted(1, "finding"), "1 finding");
        assert_eq!(counted(2_048, "file"), "2,048 files");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(65_536), "65,536");
        assert_eq!(grouped(5_000_000), "5,000,000");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }
}
