use super::*;
use crate::vocab::Value;

fn lab_files(lab_toml: &str) -> Files {
    let mut files = Files::default();
    files.insert("lab.toml", lab_toml);
    files.insert("README.md", "# Lab");
    files.insert("starter.wat", "(module)");
    files.insert("solution.wat", "(module)");
    files
}

const HEAD: &str = "format = 1\nid = \"t\"\ntitle = \"T\"\nlanguage = \"wat\"\n";

#[test]
fn random_inputs_are_deterministic_and_in_range() {
    let check = RandomCheck {
        function: "f".into(),
        show: crate::vocab::Show::Auto,
        count: 500,
        seed: 42,
        ranges: vec![
            (Value::I32(-3), Value::I32(3)),
            (Value::F64(0.5), Value::F64(1.5)),
            (Value::I64(i64::MIN), Value::I64(i64::MAX)),
        ],
        tolerance: 0.0,
        expected: None,
    };
    let a = check.inputs();
    assert_eq!(a, check.inputs());
    assert_eq!(a.len(), 500);
    let mut seen = std::collections::BTreeSet::new();
    for input in &a {
        let (Value::I32(i), Value::F64(f)) = (input[0], input[1]) else {
            panic!()
        };
        assert!((-3..=3).contains(&i) && (0.5..=1.5).contains(&f));
        seen.insert(i);
    }
    assert_eq!(seen.len(), 7, "every value of a small range shows up");
    let other = RandomCheck { seed: 43, ..check };
    assert_ne!(a, other.inputs());
}

#[test]
fn values_are_typed_by_the_declared_signature() {
    let toml = format!(
        "{HEAD}[exports]\nf = \"(i32, i64, f32, f64) -> f64\"\n[[check]]\nname = \"c\"\nkind = \"call\"\nfunction = \"f\"\nargs = [4294967295, \"18446744073709551615\", 2, \"-inf\"]\nexpect = \"nan\"\n"
    );
    let lab = load_lab(&lab_files(&toml), "").expect("loads");
    let CheckKind::Call(c) = &lab.checks[0].kind else {
        panic!()
    };
    assert_eq!(
        c.args,
        vec![
            Value::I32(-1),
            Value::I64(-1),
            Value::F32(2.0),
            Value::F64(f64::NEG_INFINITY)
        ]
    );
    assert!(
        matches!(&c.expect, Expect::Values(v) if v.len() == 1 && matches!(v[0], Value::F64(x) if x.is_nan()))
    );
}

#[test]
fn check_limits_override_lab_limits() {
    let toml = format!(
        "{HEAD}[limits]\nfuel = 500\nmemory-pages = 2\n[[check]]\nname = \"m\"\nkind = \"module\"\nmax-bytes = 10\nlimits = {{ fuel = 7 }}\n"
    );
    let lab = load_lab(&lab_files(&toml), "").expect("loads");
    assert_eq!(lab.limits.fuel, 500);
    assert_eq!(lab.checks[0].limits.fuel, 7);
    assert_eq!(
        lab.checks[0].limits.memory_pages, 2,
        "unset fields inherit from the lab"
    );
    assert_eq!(lab.checks[0].points, 1, "points default to 1");
    assert_eq!(lab.minutes, 15, "minutes default to 15");
}

#[test]
fn all_problems_of_a_file_are_reported_at_once() {
    let toml = format!(
        "{HEAD}[[check]]\nname = \"a\"\nkind = \"nope\"\n[[check]]\nname = \"b\"\nkind = \"call\"\nfunction = \"missing\"\nexpect = 1\n"
    );
    let errors = load_lab(&lab_files(&toml), "").expect_err("broken");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!((errors[0].line, errors[1].line), (7, 11));
    assert!(errors.iter().all(|e| e.file == "lab.toml"));
}

#[test]
fn clean_path_refuses_to_leave_the_folder() {
    use super::reader::clean_path;
    assert_eq!(clean_path("a/./b.txt").as_deref(), Some("a/b.txt"));
    for bad in ["../x", "a/../../x", "/etc/passwd", "C:\\x", "", "."] {
        assert_eq!(clean_path(bad), None, "{bad}");
    }
}

#[test]
fn numbers_are_read_as_people_type_them() {
    let pages = Accept::Number {
        value: 65536.0,
        tolerance: 0.0,
    };
    for typed in [
        "65536", " 65536 ", "65,536", "65 536", "65_536", "65536.0", "6.5536e4",
    ] {
        assert!(pages.matches(typed), "{typed}");
    }
    for typed in ["65535", "64", "65.536", "sixty", "", "inf", "NaN"] {
        assert!(!pages.matches(typed), "{typed}");
    }
    let quarter = Accept::Number {
        value: 1.25,
        tolerance: 0.005,
    };
    for typed in ["1.25", "1,25", "1.251", "1,251"] {
        assert!(quarter.matches(typed), "{typed}");
    }
    assert!(!quarter.matches("1,3"));
}
