//! Deflate (RFC 1951) for the bytes between a page's pieces. zlib cannot
//! compress around text it did not see without hashing that text into its
//! history or clearing its tables, either of which costs about what
//! compressing the text would. This encoder keeps its history as positions
//! in the page, so a match may reach back over a piece to earlier glue (the
//! reader has the piece's text there too), and it costs nothing to skip a
//! piece. Greedy matching and the fixed Huffman codes are enough for glue,
//! whose posts repeat each other's field names and dates.

/// Shortest match looked for: the hash covers four bytes.
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
const MAX_DISTANCE: usize = 32_768;
/// An 8 KB table, cleared for each page: a page's glue matched as well
/// (to a few bytes) as with one four times larger.
const HASH_BITS: u32 = 11;

/// Match lengths: the first of each length code (257 on), and its extra bits.
const LENGTH_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/// Distances: the first of each distance code, and its extra bits.
const DISTANCE_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

const END_OF_BLOCK: u16 = 256;

/// The length code of each match length (3 to 258), looked up rather than
/// searched for: a search's mispredicted branches were a third of the glue's time.
const LENGTH_CODES: [u8; MAX_MATCH + 1] = codes_of(&LENGTH_BASE);

/// The distance code of each distance up to 256, then of each 128 past it
/// (from 257 on, every code's base is one more than a multiple of 128).
const DISTANCE_CODES: [u8; 512] = {
    let mut codes = [0; 512];
    let mut slot = 0;
    while slot < 512 {
        let distance = if slot < 256 { slot + 1 } else { (slot - 256) * 128 + 1 };
        codes[slot] = code_of(&DISTANCE_BASE, distance);
        slot += 1;
    }
    codes
};

/// For each value up to `N - 1`, its code.
const fn codes_of<const N: usize>(bases: &[u16]) -> [u8; N] {
    let mut codes = [0; N];
    let mut value = 0;
    while value < N {
        codes[value] = code_of(bases, value);
        value += 1;
    }
    codes
}

/// The code of `value`: the last whose base is at most it.
const fn code_of(bases: &[u16], value: usize) -> u8 {
    let mut code = 0;
    while code + 1 < bases.len() && bases[code + 1] as usize <= value {
        code += 1;
    }
    code as u8
}

/// The distance code of `distance` (1 to 32,768).
fn distance_code(distance: usize) -> usize {
    let slot = if distance <= 256 { distance - 1 } else { 256 + ((distance - 1) >> 7) };
    usize::from(DISTANCE_CODES[slot])
}

/// A deflate stream being written: whole bytes in `out`, up to 7 more bits pending.
pub struct Glue {
    out: Vec<u8>,
    bits: u64,
    pending: u32,
    /// The last position in the page each hash of four bytes was seen at, plus one.
    seen: Box<[u32; 1 << HASH_BITS]>,
}

impl Glue {
    /// A stream written after what `out` already holds.
    pub fn new(out: Vec<u8>) -> Self {
        Glue { out, bits: 0, pending: 0, seen: Box::new([0; 1 << HASH_BITS]) }
    }

    /// What was written, once the last block has ended.
    pub fn into_bytes(self) -> Vec<u8> {
        debug_assert_eq!(self.pending, 0, "the last block ends on a byte");
        self.out
    }

    /// Compresses `page[range]` as one block, matching against anything
    /// before it in `page` (all of which the reader has). A block that is
    /// not `last` ends on a byte boundary, so a piece may follow it.
    pub fn block(&mut self, page: &[u8], range: std::ops::Range<usize>, last: bool) {
        if range.is_empty() && !last {
            return;
        }
        self.put(u32::from(last) | 1 << 1, 3);
        let mut at = range.start;
        while at < range.end {
            match self.longest_match(page, at, range.end) {
                Some((length, distance)) => {
                    self.length_and_distance(length, distance);
                    at += length;
                }
                None => {
                    self.symbol(u16::from(page[at]));
                    at += 1;
                }
            }
        }
        self.symbol(END_OF_BLOCK);
        if !last {
            // An empty stored block: three bits, then to the byte, then its lengths.
            self.put(0, 3);
            self.align();
            self.out.extend_from_slice(&[0, 0, 0xff, 0xff]);
        } else {
            self.align();
        }
    }

    /// Copies in bytes that need no compressing: a piece (whole deflate
    /// blocks that end on a byte boundary), or the gzip header.
    pub fn piece(&mut self, deflated: &[u8]) {
        debug_assert_eq!(self.pending, 0, "a piece follows a block's end");
        self.out.extend_from_slice(deflated);
    }

    /// The match for `page[at..end]` with the last position its first four
    /// bytes were seen at, if there is one in reach; remembers `at`.
    fn longest_match(&mut self, page: &[u8], at: usize, end: usize) -> Option<(usize, usize)> {
        let four: [u8; MIN_MATCH] = page.get(at..at + MIN_MATCH)?.try_into().ok()?;
        let hash = (u32::from_le_bytes(four).wrapping_mul(0x9e37_79b1) >> (32 - HASH_BITS)) as usize;
        let earlier = std::mem::replace(&mut self.seen[hash], at as u32 + 1).checked_sub(1)? as usize;
        let distance = at - earlier;
        if distance > MAX_DISTANCE || page[earlier..earlier + MIN_MATCH] != four {
            return None;
        }
        let limit = (end - at).min(MAX_MATCH);
        let length = common_prefix(&page[earlier..earlier + limit], &page[at..at + limit]);
        (length >= MIN_MATCH).then_some((length, distance))
    }

    fn length_and_distance(&mut self, length: usize, distance: usize) {
        let code = usize::from(LENGTH_CODES[length]);
        self.symbol(257 + code as u16);
        self.put((length - usize::from(LENGTH_BASE[code])) as u32, u32::from(LENGTH_EXTRA[code]));
        let code = distance_code(distance);
        self.put((code as u32).reverse_bits() >> 27, 5);
        self.put((distance - usize::from(DISTANCE_BASE[code])) as u32, u32::from(DISTANCE_EXTRA[code]));
    }

    /// A literal, length or end-of-block symbol in the fixed code.
    fn symbol(&mut self, symbol: u16) {
        let (code, length) = FIXED_CODES[usize::from(symbol)];
        self.put(u32::from(code), u32::from(length));
    }

    /// Appends the low `count` bits of `value` (at most 16), first bit first.
    fn put(&mut self, value: u32, count: u32) {
        self.bits |= u64::from(value) << self.pending;
        self.pending += count;
        if self.pending >= 32 {
            self.out.extend_from_slice(&(self.bits as u32).to_le_bytes());
            self.bits >>= 32;
            self.pending -= 32;
        }
    }

    /// Writes out what is pending, padded to the next byte boundary.
    fn align(&mut self) {
        let bytes = self.pending.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.bits.to_le_bytes()[..bytes]);
        self.bits = 0;
        self.pending = 0;
    }
}

/// How many bytes `a` and `b`, of one length, begin with in common.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut length = 0;
    for (a, b) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let differ =
            u64::from_le_bytes(a.try_into().unwrap_or_default()) ^ u64::from_le_bytes(b.try_into().unwrap_or_default());
        if differ != 0 {
            return length + differ.trailing_zeros() as usize / 8;
        }
        length += 8;
    }
    length + a[length..].iter().zip(&b[length..]).take_while(|(a, b)| a == b).count()
}

/// The fixed code of each literal and length symbol (RFC 1951, 3.2.6): its
/// bits reversed, as the stream is read least significant bit first, and
/// how many there are.
const FIXED_CODES: [(u16, u8); 288] = {
    let mut codes = [(0, 0); 288];
    let mut symbol = 0;
    while symbol < 288 {
        let (code, length) = match symbol {
            0..=143 => (0x30 + symbol, 8),
            144..=255 => (0x190 + symbol - 144, 9),
            256..=279 => (symbol - 256, 7),
            _ => (0xc0 + symbol - 280, 8),
        };
        codes[symbol as usize] = (((code as u32).reverse_bits() >> (32 - length)) as u16, length as u8);
        symbol += 1;
    }
    codes
};

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::DeflateDecoder;

    use super::*;

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        DeflateDecoder::new(stream).read_to_end(&mut plain).expect("a valid deflate stream");
        plain
    }

    #[test]
    fn every_byte_and_every_length_and_distance_round_trips() {
        let mut page: Vec<u8> = (0..=255).collect();
        for length in 3..=300 {
            page.extend(std::iter::repeat_n(b'a' + (length % 26) as u8, length));
            let from = page.len() / 3;
            page.extend_from_within(from..from + length);
        }
        let mut glue = Glue::new(Vec::new());
        glue.block(&page, 0..page.len(), true);
        let out = glue.into_bytes();
        assert_eq!(inflate(&out), page);
        assert!(out.len() < page.len() / 2, "repeats are matched");
    }

    #[test]
    fn every_length_and_distance_has_the_code_whose_range_holds_it() {
        let search = |bases: &[u16], value: usize| bases.partition_point(|&base| usize::from(base) <= value) - 1;
        for (length, code) in LENGTH_CODES.iter().enumerate().skip(MIN_MATCH) {
            assert_eq!(usize::from(*code), search(&LENGTH_BASE, length), "length {length}");
        }
        for distance in 1..=MAX_DISTANCE {
            assert_eq!(distance_code(distance), search(&DISTANCE_BASE, distance), "distance {distance}");
        }
    }

    #[test]
    fn a_match_reaches_over_what_other_blocks_wrote() {
        let page = b"{\"id\":1,\"name\":\"the same\"}0123456789{\"id\":2,\"name\":\"the same\"}";
        let mut glue = Glue::new(Vec::new());
        glue.block(page, 0..26, false);
        // What lies between is sent as its own stored block, as a piece would be.
        glue.piece(&[0, 10, 0, 0xf5, 0xff]);
        glue.piece(&page[26..36]);
        glue.block(page, 36..page.len(), true);
        assert_eq!(inflate(&glue.into_bytes()), page);
    }
}
