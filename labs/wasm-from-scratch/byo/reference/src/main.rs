//! `wc` for the "byo" lab: counts the lines, words and bytes of standard
//! input and prints them as `lines words bytes`.

use std::io::{self, Read};

fn main() {
    let mut input = Vec::new();
    if let Err(e) = io::stdin().read_to_end(&mut input) {
        eprintln!("wc: cannot read standard input: {e}");
        std::process::exit(1);
    }
    let lines = input.iter().filter(|&&b| b == b'\n').count();
    let words = input
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .count();
    println!("{lines} {words} {}", input.len());
}
