#!/usr/bin/env bash
# Builds the swarm runner's bundled example: a small Rust crate (no dependencies, so
# `cargo check` runs offline in seconds) with a short git history.
#
#   testdata/swarm/example.sh DIR
#
# The code is written for the runner: several files with many functions each, some of
# them one-liners next to each other (where git's line merge sees false conflicts), and
# a few functions nobody calls (which a task may delete).
set -euo pipefail
dir=${1:?usage: example.sh DIR}
mkdir -p "$dir/src"
cd "$dir"
git init -q -b main
export GIT_AUTHOR_NAME=example GIT_AUTHOR_EMAIL=example@example.invalid
export GIT_COMMITTER_NAME=example GIT_COMMITTER_EMAIL=example@example.invalid
export GIT_AUTHOR_DATE="@1750000000 +0000" GIT_COMMITTER_DATE="@1750000000 +0000"

cat > Cargo.toml <<'TOML'
[package]
name = "inventory"
version = "0.1.0"
edition = "2021"

[dependencies]
TOML
printf 'target/\nCargo.lock\n' > .gitignore

cat > src/lib.rs <<'RS'
//! A small inventory: items, prices, stock and reports.

pub mod items;
pub mod pricing;
pub mod report;
pub mod stock;
pub mod text;

pub use items::Item;

/// The library's version string.
pub fn version() -> &'static str {
    "0.1.0"
}
RS

cat > src/items.rs <<'RS'
//! Items and their identity.

/// One kind of thing we sell.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub sku: String,
    pub name: String,
    pub cents: u64,
    pub weight_grams: u32,
}

impl Item {
    /// A new item.
    pub fn new(sku: &str, name: &str, cents: u64, weight_grams: u32) -> Self {
        Item {
            sku: sku.to_owned(),
            name: name.to_owned(),
            cents,
            weight_grams,
        }
    }

    /// Whether the item is heavy enough to need freight shipping.
    pub fn is_heavy(&self) -> bool {
        self.weight_grams > 20_000
    }

    /// The name shown to customers.
    pub fn display_name(&self) -> String {
        format!("{} ({})", self.name, self.sku)
    }

    /// Whether the stock keeping unit looks valid: letters, a dash, digits.
    pub fn has_valid_sku(&self) -> bool {
        let mut parts = self.sku.splitn(2, '-');
        let head = parts.next().unwrap_or("");
        let tail = parts.next().unwrap_or("");
        !head.is_empty()
            && head.chars().all(|c| c.is_ascii_uppercase())
            && !tail.is_empty()
            && tail.chars().all(|c| c.is_ascii_digit())
    }
}

pub fn kilograms(item: &Item) -> f64 { f64::from(item.weight_grams) / 1000.0 }
pub fn is_free(item: &Item) -> bool { item.cents == 0 }
pub fn same_sku(a: &Item, b: &Item) -> bool { a.sku == b.sku }

/// Finds an item by its stock keeping unit.
pub fn find<'a>(items: &'a [Item], sku: &str) -> Option<&'a Item> {
    items.iter().find(|i| i.sku == sku)
}

/// The items sorted by name.
pub fn sorted_by_name(items: &[Item]) -> Vec<Item> {
    let mut out = items.to_vec();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// An old sample catalogue, kept for the documentation.
pub fn sample_catalogue() -> Vec<Item> {
    vec![
        Item::new("AB-1", "anvil", 12_000, 45_000),
        Item::new("BC-2", "bucket", 900, 800),
    ]
}
RS

cat > src/pricing.rs <<'RS'
//! Prices, discounts and taxes, in cents.

use crate::items::Item;

/// The tax rate in basis points (1/100 of a percent).
pub const TAX_BASIS_POINTS: u64 = 2_000;

/// The price of `quantity` items before tax.
pub fn subtotal(item: &Item, quantity: u64) -> u64 {
    item.cents * quantity
}

/// The tax on `cents`.
pub fn tax(cents: u64) -> u64 {
    cents * TAX_BASIS_POINTS / 10_000
}

/// The price with tax.
pub fn with_tax(cents: u64) -> u64 {
    cents + tax(cents)
}

/// A bulk discount: 5% from 10 items, 10% from 100.
pub fn bulk_discount(quantity: u64, cents: u64) -> u64 {
    let percent = if quantity >= 100 {
        10
    } else if quantity >= 10 {
        5
    } else {
        0
    };
    cents * percent / 100
}

/// What the customer pays for `quantity` items.
pub fn total(item: &Item, quantity: u64) -> u64 {
    let gross = subtotal(item, quantity);
    with_tax(gross - bulk_discount(quantity, gross))
}

pub fn euros(cents: u64) -> f64 { cents as f64 / 100.0 }
pub fn round_to_dime(cents: u64) -> u64 { (cents + 5) / 10 * 10 }
pub fn halve(cents: u64) -> u64 { cents / 2 }

/// Shipping: flat for light items, by weight for heavy ones.
pub fn shipping(item: &Item) -> u64 {
    if item.is_heavy() {
        u64::from(item.weight_grams) / 10
    } else {
        499
    }
}

/// The old flat shipping rate, before shipping by weight.
pub fn legacy_flat_rate() -> u64 {
    399
}
RS

cat > src/stock.rs <<'RS'
//! Stock levels per stock keeping unit.

use std::collections::BTreeMap;

/// How many of each item are on the shelves.
#[derive(Default, Debug)]
pub struct Stock {
    levels: BTreeMap<String, u64>,
}

impl Stock {
    /// An empty stock.
    pub fn new() -> Self {
        Stock::default()
    }

    /// Adds `count` of `sku`.
    pub fn receive(&mut self, sku: &str, count: u64) {
        *self.levels.entry(sku.to_owned()).or_insert(0) += count;
    }

    /// Takes `count` of `sku`; false when there are not enough.
    pub fn take(&mut self, sku: &str, count: u64) -> bool {
        match self.levels.get_mut(sku) {
            Some(level) if *level >= count => {
                *level -= count;
                true
            }
            _ => false,
        }
    }

    /// How many of `sku` there are.
    pub fn level(&self, sku: &str) -> u64 {
        self.levels.get(sku).copied().unwrap_or(0)
    }

    /// The stock keeping units that ran out.
    pub fn empty(&self) -> Vec<String> {
        self.levels
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(s, _)| s.clone())
            .collect()
    }

    /// The number of items of every kind together.
    pub fn total(&self) -> u64 {
        self.levels.values().sum()
    }
}

/// Whether `count` is low enough to order more.
pub fn needs_reorder(count: u64) -> bool {
    count < 5
}

/// How many to order to get back to `target`.
pub fn reorder_quantity(count: u64, target: u64) -> u64 {
    target.saturating_sub(count)
}

/// The warehouse's name in old reports.
pub fn legacy_warehouse_code() -> &'static str {
    "WH-OLD"
}
RS

cat > src/report.rs <<'RS'
//! Text reports for people.

use crate::items::Item;
use crate::pricing;
use crate::stock::Stock;

/// One line per item: name, price, stock.
pub fn inventory_lines(items: &[Item], stock: &Stock) -> Vec<String> {
    items
        .iter()
        .map(|i| {
            format!(
                "{:20} {:>8.2} {:>5}",
                i.display_name(),
                pricing::euros(i.cents),
                stock.level(&i.sku)
            )
        })
        .collect()
}

/// The header above the lines.
pub fn header() -> String {
    format!("{:20} {:>8} {:>5}", "item", "price", "stock")
}

/// The whole report.
pub fn render(items: &[Item], stock: &Stock) -> String {
    let mut out = header();
    for line in inventory_lines(items, stock) {
        out.push('\n');
        out.push_str(&line);
    }
    out
}

/// A one-line summary.
pub fn summary(items: &[Item], stock: &Stock) -> String {
    format!("{} kinds, {} items", items.len(), stock.total())
}

pub fn bullet(line: &str) -> String { format!("* {line}") }
pub fn indent(line: &str) -> String { format!("    {line}") }
pub fn underline(line: &str) -> String { format!("{line}\n{}", "-".repeat(line.len())) }

/// The banner of the old report layout.
pub fn legacy_banner() -> &'static str {
    "INVENTORY REPORT (OLD LAYOUT)"
}
RS

cat > src/text.rs <<'RS'
//! Small text helpers.

/// Cuts `s` to at most `n` characters, adding an ellipsis when it cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Pads `s` on the right to `n` characters.
pub fn pad(s: &str, n: usize) -> String {
    format!("{s:n$}")
}

/// The words of `s`, lowercased.
pub fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

/// Whether `s` reads the same both ways, ignoring case.
pub fn is_palindrome(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    letters
        .iter()
        .zip(letters.iter().rev())
        .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

pub fn shout(s: &str) -> String { s.to_uppercase() }
pub fn whisper(s: &str) -> String { s.to_lowercase() }
pub fn quote(s: &str) -> String { format!("\"{s}\"") }

/// The old separator between report columns.
pub fn legacy_separator() -> &'static str {
    " | "
}
RS
git add -A
git commit -qm "Inventory: items, pricing, stock, reports"
cat >> src/text.rs <<'RS'

/// Capitalizes the first letter of `s`.
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
RS
GIT_AUTHOR_DATE="@1750003600 +0000" GIT_COMMITTER_DATE="@1750003600 +0000" \
  git commit -qam "text: capitalize"
sed -i 's/percent = if quantity >= 100/percent = if quantity >= 100 \&\& cents > 0/' src/pricing.rs
GIT_AUTHOR_DATE="@1750007200 +0000" GIT_COMMITTER_DATE="@1750007200 +0000" \
  git commit -qam "pricing: no discount on free items"
