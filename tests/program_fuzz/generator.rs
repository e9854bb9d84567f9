//! Random well-typed Cairo programs for the differential program fuzzer: every integer width and
//! felt252 arithmetic (overflow and division included), conversions, comparisons, structs,
//! enums and matches, arrays and spans with snapshots, dictionaries, boxes and nullables, loops
//! with gas, recursion, calls between functions, and panics with data.
//!
//! A seed decides everything, with a generator of its own (SplitMix64), so a seed names the same
//! program on every machine and toolchain.

use std::fmt::Write as _;

use cairn::vm::values::Value;
use cairn::vm::Felt252;

/// SplitMix64: small, fast, and fixed forever (a seed must keep naming one program).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    pub fn percent(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// The scalar types values are generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    U8,
    U16,
    U32,
    U64,
    U128,
    I8,
    I16,
    I32,
    I64,
    I128,
    Felt,
    Bool,
}

const NUMERIC: [Ty; 11] = [
    Ty::U8,
    Ty::U16,
    Ty::U32,
    Ty::U64,
    Ty::U128,
    Ty::I8,
    Ty::I16,
    Ty::I32,
    Ty::I64,
    Ty::I128,
    Ty::Felt,
];

/// The field's largest element, P − 1.
const FELT_MAX: &str = "0x800000000000011000000000000000000000000000000000000000000000000";

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::U8 => "u8",
            Ty::U16 => "u16",
            Ty::U32 => "u32",
            Ty::U64 => "u64",
            Ty::U128 => "u128",
            Ty::I8 => "i8",
            Ty::I16 => "i16",
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::I128 => "i128",
            Ty::Felt => "felt252",
            Ty::Bool => "bool",
        }
    }

    fn bits(self) -> u32 {
        match self {
            Ty::U8 | Ty::I8 => 8,
            Ty::U16 | Ty::I16 => 16,
            Ty::U32 | Ty::I32 => 32,
            Ty::U64 | Ty::I64 => 64,
            Ty::U128 | Ty::I128 => 128,
            Ty::Felt => 252,
            Ty::Bool => 1,
        }
    }

    fn unsigned(self) -> bool {
        matches!(self, Ty::U8 | Ty::U16 | Ty::U32 | Ty::U64 | Ty::U128)
    }

    fn signed(self) -> bool {
        matches!(self, Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64 | Ty::I128)
    }

    /// An edge-biased sample: zero, one, the extremes, or anything in range.
    pub fn sample(self, rng: &mut Rng) -> Sample {
        let random = (u128::from(rng.next()) << 64) | u128::from(rng.next());
        let choice = rng.below(14);
        if self.unsigned() {
            let max = u128::MAX >> (128 - self.bits());
            Sample::Unsigned(match choice {
                0 => 0,
                1 => 1,
                2 => max,
                3 => max - 1,
                4..=9 => random % 16,
                _ => random & max,
            })
        } else if self.signed() {
            let max = i128::MAX >> (128 - self.bits());
            let spread = max as u128 * 2 + 1;
            Sample::Signed(match choice {
                0 => 0,
                1 => 1,
                2 => -1,
                3 => max,
                4 => -max,
                5..=10 => (random % 16) as i128 - 8,
                // Anything in [-max, max]: i128's MIN has no literal (its magnitude is no i128).
                _ => ((random % spread) as i128).wrapping_sub(max).max(-max),
            })
        } else if self == Ty::Bool {
            Sample::Bool(choice.is_multiple_of(2))
        } else {
            Sample::Felt(match choice {
                0 => "0".to_owned(),
                1 => "1".to_owned(),
                2 => FELT_MAX.to_owned(),
                3..=9 => format!("{}", random % 1000),
                _ => format!("{random}"),
            })
        }
    }
}

/// One generated value, written as a literal or passed as an argument.
#[derive(Clone, Debug)]
pub enum Sample {
    Unsigned(u128),
    Signed(i128),
    Felt(String),
    Bool(bool),
}

impl Sample {
    /// The literal of type `ty`.
    fn literal(&self, ty: Ty) -> String {
        match self {
            Sample::Unsigned(value) => format!("{value}_{}", ty.name()),
            Sample::Signed(value) if *value < 0 => {
                format!("(-{}_{})", value.unsigned_abs(), ty.name())
            }
            Sample::Signed(value) => format!("{value}_{}", ty.name()),
            Sample::Felt(text) => format!("{text}_felt252"),
            Sample::Bool(value) => value.to_string(),
        }
    }

    /// The argument value of type `ty`.
    pub fn value(&self, ty: Ty) -> Value {
        match (self, ty) {
            (Sample::Unsigned(v), Ty::U8) => Value::U8(*v as u8),
            (Sample::Unsigned(v), Ty::U16) => Value::U16(*v as u16),
            (Sample::Unsigned(v), Ty::U32) => Value::U32(*v as u32),
            (Sample::Unsigned(v), Ty::U64) => Value::U64(*v as u64),
            (Sample::Unsigned(v), _) => Value::U128(*v),
            (Sample::Signed(v), Ty::I8) => Value::I8(*v as i8),
            (Sample::Signed(v), Ty::I16) => Value::I16(*v as i16),
            (Sample::Signed(v), Ty::I32) => Value::I32(*v as i32),
            (Sample::Signed(v), Ty::I64) => Value::I64(*v as i64),
            (Sample::Signed(v), _) => Value::I128(*v),
            (Sample::Felt(text), _) => {
                let felt = if text.starts_with("0x") {
                    Felt252::from_hex(text).expect("generated hex felt")
                } else {
                    Felt252::from_dec_str(text).expect("generated decimal felt")
                };
                Value::Felt252(felt)
            }
            (Sample::Bool(b), _) => Value::Enum {
                variant: usize::from(*b),
                value: Box::new(Value::Struct(Vec::new())),
            },
        }
    }
}

/// A generated function the fuzzer calls: `name(params…) -> Array<felt252>`.
#[derive(Clone, Debug)]
pub struct FuzzFunction {
    pub name: String,
    pub params: Vec<Ty>,
}

/// A generated program: its source and its functions, in order.
pub struct Generated {
    pub source: String,
    pub functions: Vec<FuzzFunction>,
}

/// What every program shares: a struct, an enum, a generic span walk, recursion.
const PRELUDE: &str = r#"use core::ec::{EcPointTrait, EcStateTrait};
use core::nullable::{match_nullable, FromNullableResult};
use core::num::traits::{
    CheckedAdd, CheckedMul, CheckedSub, SaturatingAdd, SaturatingMul, SaturatingSub, WrappingAdd,
    WrappingMul, WrappingSub,
};

#[derive(Copy, Drop)]
struct Pair {
    a: u64,
    b: felt252,
    c: bool,
}

#[derive(Copy, Drop)]
enum Shape {
    Small: u8,
    Big: u128,
    Point: (felt252, i32),
    Nothing,
}

fn span_sum<T, +Copy<T>, +Drop<T>, +Into<T, felt252>>(mut s: Span<T>) -> felt252 {
    let mut acc: felt252 = 0;
    loop {
        match s.pop_front() {
            Option::Some(x) => { acc = acc * 7 + (*x).into(); },
            Option::None => { break acc; },
        }
    }
}

fn snapshot_len<T>(a: @Array<T>) -> u32 {
    a.len()
}

fn rec_sum(n: u32, acc: felt252) -> felt252 {
    if n == 0 {
        acc
    } else {
        rec_sum(n - 1, acc * 3 + n.into()) + 1
    }
}

// The curve: `scalar·G`, plus `x`'s point and `(scalar + 1)` times it when `x` is on the
// curve, the sum's x (1 at infinity).
fn ec_mix(scalar: felt252, x: felt252) -> felt252 {
    let generator = EcPointTrait::new_nz(core::ec::stark_curve::GEN_X, core::ec::stark_curve::GEN_Y)
        .unwrap();
    let mut state = EcStateTrait::init();
    state.add_mul(scalar, generator);
    if let Option::Some(point) = EcPointTrait::new_nz_from_x(x) {
        state.add(point);
        state.add_mul(scalar + 1, point);
    }
    match state.finalize_nz() {
        Option::Some(sum) => sum.x(),
        Option::None => 1,
    }
}

fn shape_value(shape: @Shape) -> felt252 {
    match *shape {
        Shape::Small(x) => x.into(),
        Shape::Big(x) => x.into() + 1000,
        Shape::Point((f, i)) => f + i.into(),
        Shape::Nothing => 5,
    }
}
"#;

/// Generates the program of `seed` with `functions` functions.
pub fn generate(seed: u64, functions: usize) -> Generated {
    let mut rng = Rng::new(seed);
    let mut source = format!("// Generated by the Cairn program fuzzer, seed {seed}.\n{PRELUDE}");
    let mut generated: Vec<FuzzFunction> = Vec::new();
    for index in 0..functions {
        let params: Vec<Ty> = (0..1 + rng.below(3)).map(|_| rng.pick(&NUMERIC)).collect();
        let name = format!("f{index}");
        let body = FunctionBuilder::new(&mut rng, &params, &generated).build();
        let signature: Vec<String> = params
            .iter()
            .enumerate()
            .map(|(i, ty)| format!("p{i}: {}", ty.name()))
            .collect();
        writeln!(
            source,
            "\nfn {name}({}) -> Array<felt252> {{\n{body}}}",
            signature.join(", ")
        )
        .expect("writing to a String");
        generated.push(FuzzFunction { name, params });
    }
    Generated {
        source,
        functions: generated,
    }
}

struct FunctionBuilder<'a> {
    rng: &'a mut Rng,
    callable: &'a [FuzzFunction],
    scalars: Vec<(String, Ty)>,
    /// Arrays in scope and their element types.
    arrays: Vec<(String, Ty)>,
    lines: Vec<String>,
    next_name: usize,
}

impl<'a> FunctionBuilder<'a> {
    fn new(rng: &'a mut Rng, params: &[Ty], callable: &'a [FuzzFunction]) -> Self {
        Self {
            rng,
            callable,
            scalars: params
                .iter()
                .enumerate()
                .map(|(i, ty)| (format!("p{i}"), *ty))
                .collect(),
            arrays: Vec::new(),
            lines: vec!["let mut out: Array<felt252> = array![];".to_owned()],
            next_name: 0,
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next_name += 1;
        format!("{prefix}{}", self.next_name)
    }

    /// A variable of type `ty` in scope (usually) or a literal.
    fn operand(&mut self, ty: Ty) -> String {
        let in_scope = self.scalars.iter().any(|(_, t)| *t == ty);
        if in_scope && self.rng.percent(70) {
            return self.operand_in_scope(ty);
        }
        ty.sample(self.rng).literal(ty)
    }

    /// A variable of type `ty` half the time, else a small literal (from `1` when it divides):
    /// the right operand of arithmetic, so most runs do not overflow at once.
    fn small_operand(&mut self, ty: Ty, divisor: bool) -> String {
        let in_scope = self.scalars.iter().filter(|(_, t)| *t == ty).count();
        if in_scope > 0 && self.rng.percent(50) {
            return self.operand_in_scope(ty);
        }
        let low = usize::from(divisor);
        let value = low + self.rng.below(16 - low);
        match ty {
            Ty::Felt => format!("{value}_felt252"),
            Ty::Bool => value.is_multiple_of(2).to_string(),
            _ if ty.signed() && self.rng.percent(30) => format!("(-{value}_{})", ty.name()),
            _ => format!("{value}_{}", ty.name()),
        }
    }

    /// A variable of type `ty` if one is in scope, else a literal.
    fn operand_in_scope(&mut self, ty: Ty) -> String {
        let in_scope: Vec<String> = self
            .scalars
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(name, _)| name.clone())
            .collect();
        if in_scope.is_empty() {
            return ty.sample(self.rng).literal(ty);
        }
        in_scope[self.rng.below(in_scope.len())].clone()
    }

    fn numeric_type(&mut self) -> Ty {
        // Mostly a type something in scope has, so expressions chain.
        if self.rng.percent(70) {
            let numeric: Vec<Ty> = self
                .scalars
                .iter()
                .map(|(_, ty)| *ty)
                .filter(|ty| *ty != Ty::Bool)
                .collect();
            if !numeric.is_empty() {
                return numeric[self.rng.below(numeric.len())];
            }
        }
        self.rng.pick(&NUMERIC)
    }

    fn bind(&mut self, ty: Ty, expression: String) {
        let name = self.fresh("v");
        self.lines
            .push(format!("let {name}: {} = {expression};", ty.name()));
        self.scalars.push((name, ty));
    }

    fn build(mut self) -> String {
        let statements = 6 + self.rng.below(14);
        for _ in 0..statements {
            match self.rng.below(100) {
                0..=27 => self.arithmetic(),
                28..=37 => self.conversion(),
                38..=45 => self.comparison(),
                46..=51 => self.conditional(),
                52..=56 => self.counted_loop(),
                57..=63 => self.new_array(),
                64..=70 => self.read_array(),
                71..=74 => self.pair(),
                75..=78 => self.shape(),
                79..=82 => self.dictionary(),
                83..=86 => self.box_and_nullable(),
                87..=89 => self.recursion(),
                90..=95 => self.call(),
                96..=97 => self.hashing(),
                _ => self.panic(),
            }
        }
        // Everything computed goes into the result, so both backends are compared on all of it.
        for (name, ty) in self.scalars.clone() {
            let felt = match ty {
                Ty::Bool => format!("if {name} {{ 1 }} else {{ 0 }}"),
                _ => format!("{name}.into()"),
            };
            self.lines.push(format!("out.append({felt});"));
        }
        for (name, _) in self.arrays.clone() {
            self.lines
                .push(format!("out.append(span_sum({name}.span()));"));
            self.lines
                .push(format!("out.append(snapshot_len(@{name}).into());"));
        }
        self.lines.push("out".to_owned());
        let mut body = String::new();
        for line in &self.lines {
            writeln!(body, "    {line}").expect("writing to a String");
        }
        body
    }

    fn arithmetic(&mut self) {
        let ty = self.numeric_type();
        let a = self.operand_in_scope(ty);
        let operators: &[&str] = if ty.unsigned() {
            &["+", "-", "*", "/", "%"]
        } else {
            &["+", "-", "*"]
        };
        let operator = self.rng.pick(operators);
        let b = self.small_operand(ty, matches!(operator, "/" | "%"));
        // (The corelib has no overflow-aware multiplication of signed integers.)
        let plain = ty == Ty::Felt
            || !matches!(operator, "+" | "-" | "*")
            || (ty.signed() && operator == "*");
        if plain || self.rng.percent(20) {
            self.bind(ty, format!("{a} {operator} {b}"));
            return;
        }
        // The corelib's overflow-aware forms: other libfuncs, and fewer panics.
        let method = match operator {
            "+" => "add",
            "-" => "sub",
            _ => "mul",
        };
        let expression = match self.rng.below(3) {
            0 => format!("{a}.wrapping_{method}({b})"),
            1 if ty.unsigned() => format!("{a}.saturating_{method}({b})"),
            _ => {
                let fallback = self.operand(ty);
                format!(
                    "match {a}.checked_{method}({b}) {{ Option::Some(x) => x, Option::None => \
                     {fallback} }}"
                )
            }
        };
        self.bind(ty, expression);
    }

    fn conversion(&mut self) {
        let from = self.numeric_type();
        let value = self.operand(from);
        if from != Ty::Felt && self.rng.percent(50) {
            self.bind(Ty::Felt, format!("{value}.into()"));
            return;
        }
        let to = self.rng.pick(&NUMERIC);
        if to == from {
            return;
        }
        // A narrowing that fails takes a fallback; one time in five it panics instead.
        let converted = self.fresh("c");
        self.lines.push(format!(
            "let {converted}: Option<{}> = {value}.try_into();",
            to.name()
        ));
        let supported = from == Ty::Felt
            || to == Ty::Felt
            || (from.unsigned() && to.unsigned())
            || (from.signed() && to.signed());
        if !supported {
            // Between signed and unsigned widths the corelib converts through felt252.
            self.lines.pop();
            let through = self.fresh("t");
            self.lines
                .push(format!("let {through}: felt252 = {value}.into();"));
            self.lines.push(format!(
                "let {converted}: Option<{}> = {through}.try_into();",
                to.name()
            ));
        }
        if self.rng.percent(20) {
            self.bind(to, format!("{converted}.expect('conversion')"));
        } else {
            let fallback = to.sample(self.rng).literal(to);
            self.bind(
                to,
                format!("match {converted} {{ Option::Some(x) => x, Option::None => {fallback} }}"),
            );
        }
    }

    fn comparison(&mut self) {
        let ty = self.numeric_type();
        let a = self.operand(ty);
        let b = self.operand(ty);
        let operators: &[&str] = if ty == Ty::Felt {
            &["==", "!="]
        } else {
            &["<", "<=", ">", ">=", "==", "!="]
        };
        let operator = self.rng.pick(operators);
        let mut expression = format!("{a} {operator} {b}");
        if self.rng.percent(30) {
            let other = self.operand(Ty::Bool);
            let joiner = self.rng.pick(&["&&", "||"]);
            expression = format!("({expression}) {joiner} !{other}");
        }
        self.bind(Ty::Bool, expression);
    }

    fn conditional(&mut self) {
        let condition = self.operand(Ty::Bool);
        let ty = self.numeric_type();
        let a = self.operand(ty);
        let b = self.operand(ty);
        let c = self.operand(ty);
        let operator = self.rng.pick(&["+", "*"]);
        self.bind(
            ty,
            format!("if {condition} {{ {a} {operator} {b} }} else {{ {c} }}"),
        );
    }

    fn counted_loop(&mut self) {
        let ty = self.numeric_type();
        let start = self.operand(ty);
        let step = self.small_operand(ty, false);
        let bound = if self.scalars.iter().any(|(_, t)| *t == Ty::U32) && self.rng.percent(60) {
            format!("({} % 24)", self.operand(Ty::U32))
        } else {
            format!("{}_u32", self.rng.below(12))
        };
        let operator = self.rng.pick(&["+", "-", "*"]);
        let accumulator = self.fresh("acc");
        let counter = self.fresh("i");
        self.lines
            .push(format!("let mut {accumulator}: {} = {start};", ty.name()));
        self.lines.push(format!("let mut {counter}: u32 = 0;"));
        self.lines.push(format!(
            "while {counter} < {bound} {{ {accumulator} = {accumulator} {operator} {step}; \
             {counter} = {counter} + 1; }};"
        ));
        self.scalars.push((accumulator, ty));
    }

    fn new_array(&mut self) {
        let ty = self.numeric_type();
        let elements: Vec<String> = (0..self.rng.below(4)).map(|_| self.operand(ty)).collect();
        let name = self.fresh("a");
        self.lines.push(format!(
            "let mut {name}: Array<{}> = array![{}];",
            ty.name(),
            elements.join(", ")
        ));
        for _ in 0..self.rng.below(3) {
            let element = self.operand(ty);
            self.lines.push(format!("{name}.append({element});"));
        }
        self.arrays.push((name, ty));
    }

    fn read_array(&mut self) {
        if self.arrays.is_empty() {
            return self.new_array();
        }
        let (array, ty) = self.arrays[self.rng.below(self.arrays.len())].clone();
        match self.rng.below(4) {
            0 => {
                // May be out of bounds: a panic both backends must agree on.
                let index = if self.rng.percent(50) {
                    format!("{}_u32", self.rng.below(5))
                } else {
                    format!("({} % 6)", self.operand(Ty::U32))
                };
                self.bind(ty, format!("*{array}.at({index})"));
            }
            1 => {
                let span = self.fresh("s");
                self.lines
                    .push(format!("let {span}: Span<{}> = {array}.span();", ty.name()));
                let index = self.rng.below(4);
                let fallback = self.operand(ty);
                self.bind(
                    ty,
                    format!(
                        "match {span}.get({index}_u32) {{ Option::Some(x) => *x.unbox(), \
                         Option::None => {fallback} }}"
                    ),
                );
            }
            2 => self.bind(Ty::Felt, format!("span_sum({array}.span())")),
            _ => {
                // Pop from the front of the array itself.
                let fallback = self.operand(ty);
                self.bind(
                    ty,
                    format!(
                        "match {array}.pop_front() {{ Option::Some(x) => x, Option::None => \
                         {fallback} }}"
                    ),
                );
            }
        }
    }

    fn pair(&mut self) {
        let a = self.operand(Ty::U64);
        let b = self.operand(Ty::Felt);
        let c = self.operand(Ty::Bool);
        let pair = self.fresh("pair");
        self.lines
            .push(format!("let {pair} = Pair {{ a: {a}, b: {b}, c: {c} }};"));
        let snapshot = self.fresh("snap");
        self.lines.push(format!("let {snapshot} = @{pair};"));
        self.bind(Ty::U64, format!("*{snapshot}.a"));
        self.bind(
            Ty::Felt,
            format!("if {pair}.c {{ {pair}.b }} else {{ {pair}.b + 1 }}"),
        );
    }

    fn shape(&mut self) {
        let shape = match self.rng.below(4) {
            0 => format!("Shape::Small({})", self.operand(Ty::U8)),
            1 => format!("Shape::Big({})", self.operand(Ty::U128)),
            2 => format!(
                "Shape::Point(({}, {}))",
                self.operand(Ty::Felt),
                self.operand(Ty::I32)
            ),
            _ => "Shape::Nothing".to_owned(),
        };
        let name = self.fresh("shape");
        self.lines.push(format!("let {name}: Shape = {shape};"));
        self.bind(Ty::Felt, format!("shape_value(@{name})"));
    }

    fn dictionary(&mut self) {
        let name = self.fresh("d");
        self.lines.push(format!(
            "let mut {name}: Felt252Dict<u64> = Default::default();"
        ));
        for _ in 0..1 + self.rng.below(3) {
            let key = self.operand(Ty::Felt);
            let value = self.operand(Ty::U64);
            self.lines.push(format!("{name}.insert({key}, {value});"));
        }
        let key = self.operand(Ty::Felt);
        self.bind(Ty::U64, format!("{name}.get({key})"));
    }

    fn box_and_nullable(&mut self) {
        let ty = self.numeric_type();
        let value = self.operand(ty);
        if self.rng.percent(50) {
            let boxed = self.fresh("bx");
            self.lines.push(format!(
                "let {boxed}: Box<{}> = BoxTrait::new({value});",
                ty.name()
            ));
            self.bind(ty, format!("{boxed}.unbox()"));
        } else {
            let condition = self.operand(Ty::Bool);
            let fallback = self.operand(ty);
            let nullable = self.fresh("n");
            self.lines.push(format!(
                "let {nullable}: Nullable<{0}> = if {condition} {{ NullableTrait::new({value}) }} \
                 else {{ Default::default() }};",
                ty.name()
            ));
            self.bind(
                ty,
                format!(
                    "match match_nullable({nullable}) {{ FromNullableResult::Null => {fallback}, \
                     FromNullableResult::NotNull(b) => b.unbox() }}"
                ),
            );
        }
    }

    /// A felt from the hashes and the curve, on felts in scope: Pedersen, the Hades
    /// permutation, Poseidon over a span, and `ec_mix` (scalar multiples of the generator and
    /// of a point from an x, which half of all x have).
    fn hashing(&mut self) {
        let a = self.operand(Ty::Felt);
        let b = self.operand(Ty::Felt);
        let c = self.operand(Ty::Felt);
        let expression = match self.rng.below(4) {
            0 => format!("core::pedersen::pedersen({a}, {b})"),
            1 => {
                let word = self.rng.below(3);
                format!(
                    "{{ let (s0, s1, s2) = core::poseidon::hades_permutation({a}, {b}, {c}); \
                     let words = array![s0, s1, s2]; *words.at({word}) }}"
                )
            }
            2 => format!("core::poseidon::poseidon_hash_span(array![{a}, {b}, {c}].span())"),
            _ => format!("ec_mix({a}, {b})"),
        };
        self.bind(Ty::Felt, expression);
    }

    fn recursion(&mut self) {
        let depth = self.operand(Ty::U32);
        let start = self.operand(Ty::Felt);
        self.bind(Ty::Felt, format!("rec_sum({depth} % 40, {start})"));
    }

    fn call(&mut self) {
        if self.callable.is_empty() {
            return self.arithmetic();
        }
        let callee = self.callable[self.rng.below(self.callable.len())].clone();
        let arguments: Vec<String> = callee.params.iter().map(|ty| self.operand(*ty)).collect();
        let result = self.fresh("r");
        self.lines.push(format!(
            "let {result}: Array<felt252> = {}({});",
            callee.name,
            arguments.join(", ")
        ));
        self.lines
            .push(format!("out.append_span({result}.span());"));
    }

    fn panic(&mut self) {
        // Conditions are usually false (a panic ends the function: the rest goes untested).
        let condition = self.operand(Ty::Bool);
        let other = self.operand(Ty::Bool);
        if self.rng.percent(50) {
            let condition = format!("{condition} && {other}");
            let data = self.operand(Ty::Felt);
            self.lines.push(format!(
                "if {condition} {{ panic(array!['fuzz', {data}]); }}"
            ));
        } else {
            self.lines
                .push(format!("assert({condition} || {other}, 'fuzz assert');"));
        }
    }
}
