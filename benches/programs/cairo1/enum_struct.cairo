// Structs and enums built, matched and taken apart in a loop.
#[derive(Copy, Drop)]
struct Point {
    x: u64,
    y: u64,
}

#[derive(Copy, Drop)]
enum Shape {
    Dot: Point,
    Segment: (Point, Point),
    Box: (Point, u64, u64),
}

fn area(shape: Shape) -> u64 {
    match shape {
        Shape::Dot(_) => 0,
        Shape::Segment((a, b)) => if a.x > b.x { a.x - b.x } else { b.x - a.x },
        Shape::Box((_, w, h)) => w * h,
    }
}

fn make(i: u64) -> Shape {
    let p = Point { x: i % 100, y: i % 7 };
    match i % 3 {
        0 => Shape::Dot(p),
        1 => Shape::Segment((p, Point { x: p.y, y: p.x })),
        _ => Shape::Box((p, p.x + 1, p.y + 1)),
    }
}

fn run(n: u64) -> felt252 {
    let mut total: u64 = 0;
    let mut i: u64 = 0;
    while i != n {
        total = (total + area(make(i))) % 1000000007;
        i += 1;
    };
    total.into()
}
