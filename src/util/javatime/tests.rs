//! Tests of the public entry points (formatting, parsing, zones) with the results Java gives,
//! its quirks included, and checks that no input makes them panic.

use super::*;

fn z(s: &str) -> Zone {
    match parse_zone(s) {
        Ok(z) => z,
        Err(e) => panic!("{e}"),
    }
}

fn fmt(ms: i64, pattern: &str, zone: &str) -> String {
    match format_epoch_millis(ms, pattern, &z(zone)) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn parse(text: &str, pattern: &str, zone: Option<&str>) -> Result<i64, String> {
    let zone = zone.map(z);
    parse_to_epoch_millis(text, pattern, zone.as_ref())
}

const T: i64 = 1_517_943_695_749; // 2018-02-06T19:01:35.749Z (Tuesday)

#[test]
fn docs_examples() {
    assert_eq!(
        fmt(T, "yyyy-MM-dd HH:mm:ssZ", "UTC"),
        "2018-02-06 19:01:35+0000"
    );
    assert_eq!(
        fmt(T, "yyyy-MM-dd HH:mm:ssZ", "+08:00"),
        "2018-02-07 03:01:35+0800"
    );
    assert_eq!(
        parse("2018-02-02 01:19:22+0800", "yyyy-MM-dd HH:mm:ssZ", None),
        Ok(1_517_505_562_000)
    );
    assert_eq!(
        parse("2018-02-02 01:19:22", "yyyy-MM-dd HH:mm:ss", Some("+08:00")),
        Ok(1_517_505_562_000)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+08:00"),
        Ok(1_517_476_865_180)
    );
    assert_eq!(iso8601_utc(1_517_943_695_758), "2018-02-06T19:01:35.758Z");
    // 2018-07-11T22:14:45.500Z in -07:00:30 is 2018-07-11T15:14:15.
    let t = 1_531_347_285_500;
    assert_eq!(fmt(t, "yyyy-MM-dd[XXX]", "-07:00:30"), "2018-07-11-07:00");
    assert_eq!(
        fmt(t, "yyyy-MM-dd'T'HH:mm:ss[XXXXX]", "-07:00:30"),
        "2018-07-11T15:14:15-07:00:30"
    );
}

#[test]
fn zones() {
    assert!(matches!(
        z("Australia/Perth"),
        Zone::Named(Tz::Australia__Perth)
    ));
    assert_eq!(
        z("Z"),
        Zone::Fixed(FixedOffset::east_opt(0).unwrap_or_else(|| panic!()))
    );
    assert_eq!(z("UTC"), Zone::Named(Tz::UTC));
    assert_eq!(z("GMT"), Zone::Named(Tz::GMT));
    let f = |s| FixedOffset::east_opt(s).map(Zone::Fixed);
    assert_eq!(Some(z("+08:00")), f(8 * 3600));
    assert_eq!(Some(z("+8")), f(8 * 3600));
    assert_eq!(Some(z("-0530")), f(-(5 * 3600 + 1800)));
    assert_eq!(Some(z("-07:00:30")), f(-(7 * 3600 + 30)));
    assert_eq!(Some(z("+073015")), f(7 * 3600 + 30 * 60 + 15));
    assert_eq!(Some(z("GMT+2")), f(7200));
    assert_eq!(Some(z("UTC-03:00")), f(-10800));
    assert_eq!(Some(z("UT+01")), f(3600));
    for bad in [
        "",
        "+19:00",
        "+8:00",
        "+08:0",
        "Mars/Olympus",
        "utc",
        "+08:60",
        "GMT+",
        "+",
    ] {
        assert!(parse_zone(bad).is_err(), "{bad}");
    }
}

#[test]
fn months_days_and_text() {
    assert_eq!(fmt(T, "M MM MMM MMMM MMMMM", "UTC"), "2 02 Feb February F");
    assert_eq!(fmt(T, "L LL LLL LLLL LLLLL", "UTC"), "2 02 Feb February F");
    assert_eq!(
        fmt(T, "E EE EEE EEEE EEEEE", "UTC"),
        "Tue Tue Tue Tuesday T"
    );
    assert_eq!(
        fmt(T, "e ee eee eeee c ccc cccc", "UTC"),
        "3 03 Tue Tuesday 3 Tue Tuesday"
    );
    assert_eq!(
        fmt(T, "Q QQ QQQ QQQQ QQQQQ q", "UTC"),
        "1 01 Q1 1st quarter 1 1"
    );
    assert_eq!(fmt(T, "G GGGG GGGGG", "UTC"), "AD Anno Domini A");
    assert_eq!(fmt(T, "d dd D DD DDD F", "UTC"), "6 06 37 37 037 6");
    assert_eq!(
        fmt(T, "a h hh K KK k kk H HH", "UTC"),
        "PM 7 07 7 07 19 19 19 19"
    );
    assert_eq!(fmt(T - 19 * 3_600_000, "a h K k H", "UTC"), "AM 12 0 24 0");
    assert_eq!(fmt(T, "m mm s ss", "UTC"), "1 01 35 35");
}

#[test]
fn fractions_and_nanos() {
    assert_eq!(
        fmt(T, "S SS SSS SSSS SSSSSSSSS", "UTC"),
        "7 74 749 7490 749000000"
    );
    assert_eq!(fmt(T, "n nnnnnnnnnn", "UTC"), "749000000 0749000000");
    assert_eq!(fmt(T, "A", "UTC"), "68495749");
    assert_eq!(fmt(T, "N", "UTC"), "68495749000000");
    assert!(format_epoch_millis(T, "SSSSSSSSSS", &z("UTC")).is_err());
}

#[test]
fn years() {
    // 0005-03-04T00:00:00Z
    let y5 = -62_000_000_000_000_i64;
    let year5 = fmt(y5, "uuuu yyyy yy y", "UTC");
    assert!(year5.starts_with("0005 0005 05 5"), "{year5}");
    assert_eq!(
        fmt(T, "y yy yyy yyyy yyyyy u uu", "UTC"),
        "2018 18 2018 2018 02018 2018 18"
    );
    // Year 12345: yyyy prints a sign when exceeding the pad width.
    let y12345 = 327_403_382_400_000_i64; // 12345-01-01T00:00:00Z
    assert_eq!(fmt(y12345, "yyyy-MM-dd", "UTC"), "+12345-01-01");
    assert_eq!(fmt(y12345, "y", "UTC"), "12345");
    // 1 BC is year 0; year-of-era 1.
    let bc1 = -62_167_219_200_000_i64; // 0000-01-01T00:00:00Z
    assert_eq!(fmt(bc1, "uuuu yyyy G", "UTC"), "0000 0001 BC");
    let bc2 = bc1 - 365 * 86_400_000; // -0001-01-01
    assert_eq!(fmt(bc2, "u uuuu y", "UTC"), "-1 -0001 2");
}

#[test]
fn week_fields_us() {
    // 2018-02-06 Tuesday: US week 6 of 2018, week 2 of February.
    assert_eq!(fmt(T, "Y YY YYYY w ww W", "UTC"), "2018 18 2018 6 06 2");
    // 2017-12-31 is a Sunday: week 1 of week-based-year 2018 in the US.
    let d = 1_514_678_400_000; // 2017-12-31T00:00:00Z
    assert_eq!(fmt(d, "YYYY-ww-e yyyy", "UTC"), "2018-01-1 2017");
    // 2021-01-01 Friday: week 1 of 2021.
    assert_eq!(fmt(1_609_459_200_000, "YYYY w W", "UTC"), "2021 1 1");
    // 2020-12-27 Sunday -> week 1 of 2021.
    assert_eq!(fmt(1_609_027_200_000, "YYYY w", "UTC"), "2021 1");
    assert_eq!(
        parse("2018-06-3 00:00", "YYYY-ww-e HH:mm", Some("UTC")),
        Ok(T - 68_495_749)
    );
    assert_eq!(
        parse("2018-02 2 Tue", "yyyy-MM W EEE", Some("UTC")),
        Ok(T - 68_495_749)
    );
}

#[test]
fn offsets_format() {
    let at = |zone: &str, p: &str| fmt(T, p, zone);
    assert_eq!(
        at("+08:00", "X XX XXX XXXX XXXXX"),
        "+08 +0800 +08:00 +0800 +08:00"
    );
    assert_eq!(at("+05:30", "X XX XXX"), "+0530 +0530 +05:30");
    assert_eq!(at("UTC", "X XX XXX XXXX XXXXX"), "Z Z Z Z Z");
    assert_eq!(
        at("UTC", "x xx xxx xxxx xxxxx"),
        "+00 +0000 +00:00 +0000 +00:00"
    );
    assert_eq!(
        at("-07:00:30", "x xx xxx xxxx xxxxx"),
        "-07 -0700 -07:00 -070030 -07:00:30"
    );
    assert_eq!(
        at("+08:00", "Z ZZ ZZZ ZZZZ ZZZZZ"),
        "+0800 +0800 +0800 GMT+08:00 +08:00"
    );
    assert_eq!(at("UTC", "Z ZZZZ ZZZZZ"), "+0000 GMT Z");
    assert_eq!(
        at("-07:00:30", "ZZZZ O OOOO"),
        "GMT-07:00:30 GMT-7:00:30 GMT-07:00:30"
    );
    assert_eq!(at("+08:00", "O OOOO"), "GMT+8 GMT+08:00");
    assert_eq!(at("+05:30", "O"), "GMT+5:30");
    assert_eq!(at("-00:00:30", "XXX"), "Z"); // Java quirk: seconds dropped -> zero -> "Z"
}

#[test]
fn zone_names_format() {
    assert_eq!(
        fmt(T, "z zzzz VV", "Australia/Perth"),
        "AWST Australian Western Standard Time Australia/Perth"
    );
    assert_eq!(fmt(T, "HH:mm z", "Australia/Perth"), "03:01 AWST");
    assert_eq!(fmt(T, "z VV", "+08:00"), "+08:00 +08:00");
    assert_eq!(
        fmt(T, "z VV zzzz", "UTC"),
        "UTC UTC Coordinated Universal Time"
    );
    assert_eq!(fmt(T, "z VV", "Z"), "Z Z");
    assert_eq!(fmt(T, "z", "America/Los_Angeles"), "PST");
    assert_eq!(
        fmt(1_530_000_000_000, "z zzzz", "America/Los_Angeles"),
        "PDT Pacific Daylight Time"
    );
    assert_eq!(fmt(T, "z", "Asia/Singapore"), "GMT+08:00");
    assert_eq!(fmt(T, "v", "UTC"), "UTC");
}

#[test]
fn literals_optional_and_padding() {
    assert_eq!(
        fmt(T, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC"),
        "2018-02-06T19:01:35.749Z"
    );
    assert_eq!(fmt(T, "''yy'' 'o''clock' h", "UTC"), "'18' o'clock 7");
    assert_eq!(fmt(T, "yyyy[-MM[-dd]]", "UTC"), "2018-02-06");
    assert_eq!(fmt(T, "yyyy[-MM", "UTC"), "2018-02");
    assert_eq!(fmt(T, "ppH:mm|pppM", "UTC"), "19:01|  2");
    assert!(format_epoch_millis(T, "pH", &z("UTC")).is_err());
    assert_eq!(
        fmt(T, "(yyyy) / , . - _ ; @", "UTC"),
        "(2018) / , . - _ ; @"
    );
}

#[test]
fn pattern_errors() {
    let err = |p: &str| {
        format_epoch_millis(T, p, &z("UTC"))
            .err()
            .unwrap_or_default()
    };
    assert_eq!(
        err("yyyy-MM-dd b"),
        "unknown pattern letter 'b' at 11 in pattern 'yyyy-MM-dd b'"
    );
    for p in [
        "B", "f", "i", "j", "l", "o", "r", "t", "b", "C", "I", "J", "P", "R", "T", "U", "MMMMMM",
        "ddd", "HHH", "EEEEEE", "aa", "cc", "www", "WW", "V", "VVV", "zzzzz", "ZZZZZZ", "OO",
        "XXXXXX", "xxxxxx", "FF", "DDDD", "yyyy#", "{", "}", "'abc", "]", "yyyy]", "p", "vv",
    ] {
        assert!(!err(p).is_empty(), "pattern {p} should be refused");
        assert!(parse("x", p, Some("UTC")).is_err());
    }
    assert!(err("'unterminated").contains("incomplete string literal"));
    assert!(err("#").contains("reserved character '#'"));
    assert!(err("]").contains("without previous '['"));
    assert!(err("MMMMMM").contains("too many pattern letters 'M'"));
    assert_eq!(fmt(T, "", "UTC"), "");
}

#[test]
fn negative_epochs() {
    assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(
        fmt(-1, "yyyy-MM-dd HH:mm:ss.SSS", "UTC"),
        "1969-12-31 23:59:59.999"
    );
    assert_eq!(
        parse(
            "1969-12-31 23:59:59.999",
            "yyyy-MM-dd HH:mm:ss.SSS",
            Some("UTC")
        ),
        Ok(-1)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("1969-12-31T23:59:59.999Z"),
        Ok(-1)
    );
    assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso8601_utc(-62_167_219_200_000), "0000-01-01T00:00:00.000Z");
    assert_eq!(
        iso8601_utc(-62_167_219_200_001),
        "-0001-12-31T23:59:59.999Z"
    );
    assert_eq!(
        iso8601_utc(253_402_300_800_000),
        "+10000-01-01T00:00:00.000Z"
    );
    // Extremes never panic.
    assert!(!iso8601_utc(i64::MIN).is_empty());
    assert!(!iso8601_utc(i64::MAX).is_empty());
    assert!(format_epoch_millis(i64::MAX, "yyyy", &z("UTC")).is_err());
    assert!(format_epoch_millis(i64::MIN, "yyyy", &z("Australia/Perth")).is_err());
}

#[test]
fn parse_named_zones_and_dst() {
    assert_eq!(
        parse(
            "2018-02-07 03:01:35",
            "yyyy-MM-dd HH:mm:ss",
            Some("Australia/Perth")
        ),
        Ok(T - 749)
    );
    assert_eq!(
        parse(
            "2018-02-07 03:01:35 Australia/Perth",
            "yyyy-MM-dd HH:mm:ss VV",
            None
        ),
        Ok(T - 749)
    );
    assert_eq!(
        parse("2018-02-07 03:01:35 AWST", "yyyy-MM-dd HH:mm:ss z", None),
        Ok(T - 749)
    );
    assert_eq!(
        parse("2018-02-06 11:01:35 PST", "yyyy-MM-dd HH:mm:ss z", None),
        Ok(T - 749)
    );
    assert_eq!(
        parse("2018-02-06 19:01:35 UTC", "yyyy-MM-dd HH:mm:ss z", None),
        Ok(T - 749)
    );
    assert_eq!(
        parse(
            "2018-02-07 03:01:35 GMT+08:00",
            "yyyy-MM-dd HH:mm:ss VV",
            None
        ),
        Ok(T - 749)
    );
    assert_eq!(
        parse("2018-02-07 03:01:35 +08:00", "yyyy-MM-dd HH:mm:ss VV", None),
        Ok(T - 749)
    );
    assert_eq!(
        parse("2018-02-06 19:01:35 Z", "yyyy-MM-dd HH:mm:ss VV", None),
        Ok(T - 749)
    );
    // The text's zone wins over the default zone.
    assert_eq!(
        parse(
            "2018-02-06 19:01:35 Z",
            "yyyy-MM-dd HH:mm:ss VV",
            Some("+05:00")
        ),
        Ok(T - 749)
    );
    // DST gap: 2018-03-11 02:30 does not exist in Los Angeles -> 03:30 PDT = 10:30Z.
    assert_eq!(
        parse(
            "2018-03-11 02:30",
            "yyyy-MM-dd HH:mm",
            Some("America/Los_Angeles")
        ),
        Ok(1_520_764_200_000)
    );
    // DST overlap: 2018-11-04 01:30 -> earlier offset (PDT, -7) = 08:30Z.
    assert_eq!(
        parse(
            "2018-11-04 01:30",
            "yyyy-MM-dd HH:mm",
            Some("America/Los_Angeles")
        ),
        Ok(1_541_320_200_000)
    );
}

#[test]
fn parse_offsets() {
    let p = "yyyy-MM-dd HH:mm:ss";
    let base = T - 749;
    assert_eq!(
        parse("2018-02-07 03:01:35+08", &format!("{p}X"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-06 19:01:35Z", &format!("{p}X"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-07 00:31:35+0530", &format!("{p}X"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-07 03:01:35+08:00", &format!("{p}XXX"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-06 12:02:05-06:59:30", &format!("{p}XXXXX"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-06 19:01:35+00:00", &format!("{p}xxx"), None),
        Ok(base)
    );
    assert!(parse("2018-02-06 19:01:35Z", &format!("{p}xxx"), None).is_err());
    assert_eq!(
        parse("2018-02-07 03:01:35GMT+08:00", &format!("{p}ZZZZ"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-06 19:01:35GMT", &format!("{p}O"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-07 03:01:35GMT+8", &format!("{p}O"), None),
        Ok(base)
    );
    assert_eq!(
        parse("2018-02-07 03:01:35+08:00", &format!("{p}ZZZZZ"), None),
        Ok(base)
    );
    assert!(parse("2018-02-07 03:01:35+08:00", &format!("{p}Z"), None).is_err());
    // Offset beats a default zone.
    assert_eq!(
        parse(
            "2018-02-07 03:01:35+0800",
            &format!("{p}Z"),
            Some("Australia/Perth")
        ),
        Ok(base)
    );
    assert!(parse("2018-02-07 03:01:35+1900", &format!("{p}Z"), None).is_err());
}

#[test]
fn parse_values_and_errors() {
    let p = "yyyy-MM-dd";
    assert_eq!(
        parse("2018-02-0", p, Some("UTC")),
        Err("text '2018-02-0' could not be parsed with pattern 'yyyy-MM-dd' at index 8".into())
    );
    assert_eq!(
        parse("2018-02-06x", p, Some("UTC")),
        Err("text '2018-02-06x' could not be parsed with pattern 'yyyy-MM-dd', unparsed text found at index 10".into())
    );
    // Date only -> midnight.
    assert_eq!(parse("2018-02-06", p, Some("UTC")), Ok(1_517_875_200_000));
    // No zone anywhere.
    let e = parse("2018-02-06", p, None).err().unwrap_or_default();
    assert!(e.contains("no time zone"), "{e}");
    // SMART resolver clamps the day of month.
    assert_eq!(
        parse("2018-02-31", p, Some("UTC")),
        parse("2018-02-28", p, Some("UTC"))
    );
    assert_eq!(
        parse("2016-02-30", p, Some("UTC")),
        parse("2016-02-29", p, Some("UTC"))
    );
    assert!(parse("2018-02-32", p, Some("UTC"))
        .unwrap_err()
        .contains("DayOfMonth"));
    assert!(parse("2018-13-01", p, Some("UTC"))
        .unwrap_err()
        .contains("MonthOfYear (valid values 1 - 12): 13"));
    assert!(parse("0000-01-01", p, Some("UTC")).is_err());
    assert!(parse("2018-1-01", p, Some("UTC")).is_err());
    assert!(parse("", p, Some("UTC")).is_err());
    assert!(parse("+2018-01-01", p, Some("UTC")).is_err());
    assert_eq!(
        parse("+12345-01-01", p, Some("UTC")),
        Ok(327_403_382_400_000)
    );
    assert_eq!(
        parse("2018-2-6", "y-M-d", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    assert_eq!(
        parse("18-02-06", "yy-MM-dd", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    assert_eq!(
        parse("99-02-06", "yy-MM-dd", Some("UTC")),
        parse("2099-02-06", p, Some("UTC"))
    );
    assert_eq!(
        parse("20180206", "yyyyMMdd", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    assert_eq!(
        parse("20180206190135749", "yyyyMMddHHmmssSSS", Some("UTC")),
        Ok(T)
    );
    assert_eq!(
        parse("2018037", "yyyyDDD", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    assert!(parse("2018366", "yyyyDDD", Some("UTC"))
        .unwrap_err()
        .contains("not a leap year"));
    assert_eq!(
        parse("2018 Feb 6", "yyyy MMM d", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    assert_eq!(
        parse("2018 February 6", "yyyy MMMM d", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    assert!(parse("2018 feb 6", "yyyy MMM d", Some("UTC")).is_err());
    assert_eq!(
        parse("Tue, 6 Feb 2018", "EEE, d MMM yyyy", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    let e = parse("Wed, 6 Feb 2018", "EEE, d MMM yyyy", Some("UTC")).unwrap_err();
    assert!(e.contains("Conflict found"), "{e}");
    assert!(parse("2018-02-06 25:00", "yyyy-MM-dd HH:mm", Some("UTC")).is_err());
    assert_eq!(
        parse("2018-02-05 24:00", "yyyy-MM-dd HH:mm", Some("UTC")),
        Ok(1_517_875_200_000)
    );
    assert!(parse("2018-02-06 19:60", "yyyy-MM-dd HH:mm", Some("UTC")).is_err());
    assert!(parse("2018-02-06 07:01", "yyyy-MM-dd hh:mm", Some("UTC")).is_err());
    assert!(parse("2018-02-06 :01", "yyyy-MM-dd :mm", Some("UTC")).is_err());
    assert!(parse("2018-02", "yyyy-MM", Some("UTC")).is_err());
    // Same field twice with different values.
    assert!(parse("2018 2019", "yyyy uuuu", Some("UTC")).is_err());
    assert_eq!(
        parse("2018 2018-02-06", "yyyy uuuu-MM-dd", Some("UTC")),
        Ok(1_517_875_200_000)
    );
}

#[test]
fn parse_times() {
    let d = "2018-02-06 ";
    let day = 1_517_875_200_000;
    let pz = |t: &str, p: &str| parse(&format!("{d}{t}"), &format!("yyyy-MM-dd {p}"), Some("UTC"));
    assert_eq!(pz("07:01:35 PM", "hh:mm:ss a"), Ok(T - 749));
    assert_eq!(pz("12:00 AM", "hh:mm a"), Ok(day));
    assert_eq!(pz("12:00 PM", "hh:mm a"), Ok(day + 43_200_000));
    assert_eq!(pz("7:01:35 PM", "K:mm:ss a"), Ok(T - 749));
    assert_eq!(pz("24:00", "kk:mm"), Ok(day));
    assert_eq!(pz("19", "HH"), Ok(day + 19 * 3_600_000));
    assert_eq!(pz("19:01:35.7", "HH:mm:ss.S"), Ok(T - 49));
    assert_eq!(pz("19:01:35.749000", "HH:mm:ss.SSSSSS"), Ok(T));
    assert!(pz("19:01:35.74", "HH:mm:ss.SSS").is_err());
    assert_eq!(pz("68495749", "A"), Ok(T));
    assert_eq!(pz("68495749000000", "N"), Ok(T));
    assert_eq!(pz("19:01:35.749000000", "HH:mm:ss.n"), Ok(T));
    assert!(pz("19:01 AM", "HH:mm a").is_err());
    assert_eq!(pz("19:01 PM", "HH:mm a"), Ok(day + 19 * 3_600_000 + 60_000));
    assert_eq!(pz(" 7:01", "ppH:mm"), Ok(day + 7 * 3_600_000 + 60_000));
    assert_eq!(pz("19:01", "H:mm[:ss]"), Ok(day + 19 * 3_600_000 + 60_000));
    assert_eq!(pz("19:01:35", "H:mm[:ss]"), Ok(T - 749));
    assert_eq!(
        pz("19:01 AD", "H:mm[:ss] G"),
        Ok(day + 19 * 3_600_000 + 60_000)
    );
}

#[test]
fn optional_rollback_and_adjacency() {
    let utc = Some("UTC");
    // A failing optional section leaves no fields behind.
    assert_eq!(
        parse("2018-02-06", "yyyy-MM-dd['T'HH:mm]", utc),
        Ok(1_517_875_200_000)
    );
    assert_eq!(
        parse("2018-02-06T", "yyyy-MM-dd['T'HH:mm]", utc)
            .err()
            .map(|e| e.contains("unparsed text found at index 10")),
        Some(true)
    );
    assert_eq!(
        parse("2018-02-06T19:01", "yyyy-MM-dd['T'HH:mm]", utc),
        Ok(1_517_943_660_000)
    );
    assert_eq!(
        parse("2018-02-06+08:00", "yyyy-MM-dd[XXX]", None),
        Ok(1_517_846_400_000)
    );
    assert!(parse("2018-02-06", "yyyy-MM-dd[XXX]", None).is_err());
    assert_eq!(
        parse("2018-02-06", "yyyy-MM-dd[XXX]", Some("+08:00")),
        Ok(1_517_846_400_000)
    );
    assert_eq!(
        parse("2018-02-06", "yyyy[-MM[-dd]]", utc),
        Ok(1_517_875_200_000)
    );
    // Adjacent value parsing: H is variable width, mm takes the last two digits.
    assert_eq!(
        parse("2018-02-06 901", "yyyy-MM-dd Hmm", utc),
        Ok(1_517_875_200_000 + 9 * 3_600_000 + 60_000)
    );
    assert_eq!(parse("180206", "yyMMdd", utc), Ok(1_517_875_200_000));
    // As in Java, a variable-width value after fixed ones ends adjacency: "yyyyMMd" can't parse.
    assert!(parse("2018026", "yyyyMMd", utc).is_err());
    // Negative years with u; '+' required only beyond the pad width.
    assert_eq!(
        parse("-0001-01-01", "uuuu-MM-dd", utc),
        Ok(-62_198_755_200_000)
    );
    assert!(parse("+2018-01-01", "uuuu-MM-dd", utc).is_err());
    assert!(parse("-2018-01-01", "yyyy-MM-dd", utc).is_err());
    // Quoted literals and escaped quotes in parsing.
    assert_eq!(
        parse("2018-02-06 o'clock", "yyyy-MM-dd 'o''clock'", utc),
        Ok(1_517_875_200_000)
    );
    // Quarter and era cross-checks.
    assert_eq!(
        parse("Q1 2018-02-06 AD", "QQQ yyyy-MM-dd G", utc),
        Ok(1_517_875_200_000)
    );
    assert!(parse("Q2 2018-02-06", "QQQ yyyy-MM-dd", utc)
        .unwrap_err()
        .contains("Conflict"));
    assert_eq!(
        parse("0001-01-01 BC", "yyyy-MM-dd G", utc),
        parse("0000-01-01", "uuuu-MM-dd", utc)
    );
    // Modified Julian day.
    assert_eq!(fmt(T, "g", "UTC"), "58155");
    assert_eq!(parse("58155", "g", utc), Ok(1_517_875_200_000));
}

#[test]
fn error_messages() {
    assert_eq!(
        parse_zone("Mars/Olympus"),
        Err("unknown time zone 'Mars/Olympus'".into())
    );
    assert_eq!(
        parse_zone("+25:00"),
        Err("invalid time zone offset '+25:00'".into())
    );
    assert_eq!(
        format_epoch_millis(T, "yyyy-MM-dd q#", &z("UTC")),
        Err("pattern 'yyyy-MM-dd q#' includes reserved character '#' at 12".into())
    );
    assert_eq!(
        format_epoch_millis(T, "HHH", &z("UTC")),
        Err("too many pattern letters 'H' (3) at 0 in pattern 'HHH'".into())
    );
    assert_eq!(
        format_epoch_millis(T, "pp'abc'", &z("UTC")),
        Err("pad letter 'p' must be followed by a pattern letter at 0 in pattern 'pp'abc''".into())
    );
    assert_eq!(
        format_epoch_millis(T, "pppyyyyy", &z("UTC")),
        Err("cannot print as output of 5 characters exceeds pad width of 3".into())
    );
    let e = parse("2018-02-31 19:61", "yyyy-MM-dd HH:mm", Some("UTC")).unwrap_err();
    assert_eq!(
        e,
        "text '2018-02-31 19:61' could not be parsed with pattern 'yyyy-MM-dd HH:mm': Invalid value for MinuteOfHour (valid values 0 - 59): 61"
    );
    let e = parse_iso8601_to_epoch_millis("2018-02-01T17:21:05").unwrap_err();
    assert_eq!(
        e,
        "text '2018-02-01T17:21:05' could not be parsed with pattern 'ISO-8601' at index 19"
    );
}

#[test]
fn iso8601_parse() {
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21:05Z"),
        Ok(1_517_505_665_000)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.1Z"),
        Ok(1_517_505_665_100)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.123456789Z"),
        Ok(1_517_505_665_123)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21Z"),
        Ok(1_517_505_660_000)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01t17:21:05z"),
        Ok(1_517_505_665_000)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+0800"),
        Ok(1_517_476_865_180)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+08"),
        Ok(1_517_476_865_180)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T17:21:05.180+08:00[Australia/Perth]"),
        Ok(1_517_476_865_180)
    );
    assert_eq!(
        parse_iso8601_to_epoch_millis("2018-02-01T09:21:05-00:00:30"),
        Ok(1_517_476_895_000)
    );
    for bad in [
        "",
        "2018-02-01",
        "2018-02-01T17:21:05",
        "2018-02-01T17:21:05.1234567890Z",
        "2018-02-01 17:21:05Z",
        "2018-02-01T17:21:05+19:00",
        "2018-02-01T17:21:05Zjunk",
        "2018-02-30T25:00:00Z",
        "not a date",
    ] {
        assert!(parse_iso8601_to_epoch_millis(bad).is_err(), "{bad}");
    }
}

#[test]
fn roundtrip_many() {
    let patterns = [
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "uuuu-MM-dd HH:mm:ss.SSS Z",
        "EEEE, MMMM d, yyyy h:mm:ss.SSS a xxxxx",
        "yyyyMMddHHmmssSSSZ",
        "yyyy-DDD HH:mm:ss.SSS VV",
        "yyyy-MM-dd HH:mm:ss.SSS zzzz",
        "yyyy-MM-dd HH:mm:ss.SSS O",
    ];
    let zones = [
        "UTC",
        "+08:00",
        "-07:00:30",
        "Australia/Perth",
        "America/New_York",
        "Z",
    ];
    let mut t = -2_000_000_000_000_i64;
    while t < 4_000_000_000_000 {
        for p in patterns {
            for zn in zones {
                let lossy = p.contains("XXX") || p.contains('Z');
                if (zn == "-07:00:30" && lossy) || (p.contains('z') && t < 0) {
                    continue;
                }
                let s = fmt(t, p, zn);
                let zone = if p.contains("zzzz") { Some(zn) } else { None };
                assert_eq!(parse(&s, p, zone), Ok(t), "{p} {zn} {s}");
            }
        }
        t += 86_399_999_123;
    }
}

#[test]
fn random_inputs_never_panic() {
    let alphabet: Vec<char> =
        "GuyYDMLdQqwWEecFahKkHmsSAnNgVvzOXxZp'[]# -:.+0123456789TzZAPMJanFebTue/"
            .chars()
            .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let zone = z("America/New_York");
    for _ in 0..20_000 {
        let plen = (next() % 12) as usize;
        let tlen = (next() % 16) as usize;
        let p: String = (0..plen)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let t: String = (0..tlen)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let ms = next() as i64 >> (next() % 64);
        let _ = format_epoch_millis(ms, &p, &zone);
        let _ = parse_to_epoch_millis(&t, &p, Some(&zone));
        if let Ok(s) = format_epoch_millis(ms, &p, &zone) {
            let _ = parse_to_epoch_millis(&s, &p, Some(&zone));
        }
        let _ = parse_iso8601_to_epoch_millis(&t);
        let _ = iso8601_utc(ms);
    }
}

#[test]
fn garbage_never_panics() {
    let texts = [
        "",
        "-",
        "+",
        "9999999999999999999999",
        "2018-02-06",
        "\u{1F600}",
        "'",
        "[",
        "]",
    ];
    let patterns = [
        "",
        "[",
        "[[[",
        "]]",
        "'",
        "''",
        "y",
        "yyyyyyyyyyyyyyyyyyy",
        "yyyyyyyyyyyyyyyyyyyy",
        "n",
        "SSSSSSSSS",
        "p",
        "pp",
        "p'x'",
        "ppy",
        "X",
        "VV",
        "z",
        "O",
        "ZZZZ",
        "G",
        "\u{1F600}",
        "yyyy[MM[dd",
        "g",
        "A",
        "N",
        "e",
        "W",
    ];
    for p in patterns {
        for t in texts {
            let _ = parse(t, p, Some("UTC"));
            let _ = parse(t, p, None);
        }
        for ms in [i64::MIN, -1, 0, T, i64::MAX] {
            let _ = format_epoch_millis(ms, p, &z("Australia/Perth"));
        }
    }
    for t in texts {
        let _ = parse_iso8601_to_epoch_millis(t);
        let _ = parse_zone(t);
    }
}
