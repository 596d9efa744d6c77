// Raw DEFLATE (RFC 1951) decoder for the player's WebAssembly inflater (member-inflate.ts).
//
// Why our own: the browser's DecompressionStream hands out a fresh buffer per chunk, which only a
// full collection frees, so loading a long recording piles up garbage with its length. This decoder
// writes into a fixed window in its own memory; the caller copies out what it needs.
//
// Streaming and resumable at symbol granularity: the caller appends compressed bytes to `input`
// and calls `inflate_run`, which decodes until the input runs short, the window is full, the stream
// ends, or the data is bad. State is committed after each whole symbol (and each whole block
// header), so a call that runs out of input resumes exactly there once more bytes arrive.
// Memory is fixed: no allocation, no growth, whatever the input.
//
// Build: scripts/build-wasm.mjs (clang --target=wasm32, no libc).

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define WINDOW (32u * 1024u)
#define OUTPUT_CAP (WINDOW + 224u * 1024u)
#define INPUT_CAP (128u * 1024u)
#define MAX_MATCH 258u

// Status codes (mirrored in member-inflate.ts).
#define NEED_INPUT 0
#define OUTPUT_FULL 1
#define DONE 2
#define ERR_BLOCK_TYPE -1
#define ERR_STORED_LENGTH -2
#define ERR_CODE_LENGTHS -3
#define ERR_CODES -4
#define ERR_SYMBOL -5
#define ERR_DISTANCE -6

// Table entries: bits 0-7 bits to consume, bit 8 "subtable" (then bits 12-15: subtable index bits),
// bit 9 "invalid", bits 16-31 the symbol or the subtable's offset.
#define SUBTABLE 0x100u
#define INVALID 0x200u
#define LEN_ROOT 10u
#define DIST_ROOT 8u
#define LEN_TABLE_SIZE 2048u
#define DIST_TABLE_SIZE 1024u

static u8 input[INPUT_CAP];
static u8 output[OUTPUT_CAP];
static u32 len_table[LEN_TABLE_SIZE];
static u32 dist_table[DIST_TABLE_SIZE];
static u32 crc_tables[8][256];

// Committed state.
static u32 in_end;    // bytes of input written
static u32 in_pos;    // next input byte to pull into the bit buffer
static u64 bits;      // bit buffer, least significant bit first
static u32 bit_count; // bits held in `bits`
static u32 out_pos;   // output written
static u32 out_taken; // output the caller has taken
static u32 crc;       // running CRC-32 of the output taken
static u32 total_out; // output bytes produced, modulo 2^32 (gzip's ISIZE)
// 0 = a block header is next, 1 = inside a stored block, 2 = inside a Huffman block, 3 = done.
static u32 mode;
static u32 last_block;
static u32 stored_left;

static const u16 LENGTH_BASE[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const u8 LENGTH_EXTRA[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const u16 DIST_BASE[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                                  193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
                                  6145, 8193, 12289, 16385, 24577};
static const u8 DIST_EXTRA[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                  7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const u8 CODE_LENGTH_ORDER[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

static void copy_bytes(u8 *to, const u8 *from, u32 count) {
  while (count--) *to++ = *from++;
}

static void crc_init(void) {
  for (u32 n = 0; n < 256; n++) {
    u32 c = n;
    for (u32 k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_tables[0][n] = c;
  }
  for (u32 n = 0; n < 256; n++) {
    for (u32 t = 1; t < 8; t++) crc_tables[t][n] = crc_tables[0][crc_tables[t - 1][n] & 0xff] ^ (crc_tables[t - 1][n] >> 8);
  }
}

// Slice-by-8: the CRC is over every output byte, so it is on the hot path.
static u32 crc_update(u32 c, const u8 *p, u32 count) {
  while (count >= 8) {
    u32 low = c ^ ((u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24);
    u32 high = (u32)p[4] | (u32)p[5] << 8 | (u32)p[6] << 16 | (u32)p[7] << 24;
    c = crc_tables[7][low & 0xff] ^ crc_tables[6][(low >> 8) & 0xff] ^ crc_tables[5][(low >> 16) & 0xff] ^
        crc_tables[4][low >> 24] ^ crc_tables[3][high & 0xff] ^ crc_tables[2][(high >> 8) & 0xff] ^
        crc_tables[1][(high >> 16) & 0xff] ^ crc_tables[0][high >> 24];
    p += 8;
    count -= 8;
  }
  while (count--) c = crc_tables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c;
}

static u32 reverse_bits(u32 code, u32 length) {
  u32 reversed = 0;
  for (u32 i = 0; i < length; i++) {
    reversed = (reversed << 1) | (code & 1);
    code >>= 1;
  }
  return reversed;
}

// Builds a two-level decoding table for canonical Huffman code lengths. Returns 0, or -1 for an
// over-subscribed set or a table that does not fit. Incomplete codes are allowed (RFC 1951 permits
// a single distance code); lookups of the missing codes hit INVALID entries.
static int build_table(u32 *table, u32 table_size, u32 root, const u8 *lengths, u32 count) {
  u32 length_count[16] = {0};
  u32 next_code[16];
  u8 sub_bits[1u << LEN_ROOT];
  u32 sub_offset[1u << LEN_ROOT];
  u32 root_size = 1u << root;
  for (u32 i = 0; i < count; i++) length_count[lengths[i]]++;
  length_count[0] = 0;
  int left = 1;
  for (u32 length = 1; length < 16; length++) {
    left = (left << 1) - (int)length_count[length];
    if (left < 0) return -1;
  }
  u32 code = 0;
  for (u32 length = 1; length < 16; length++) {
    code = (code + length_count[length - 1]) << 1;
    next_code[length] = code;
  }
  for (u32 i = 0; i < root_size; i++) {
    table[i] = INVALID;
    sub_bits[i] = 0;
  }
  // First pass: how many index bits each subtable needs (its longest code beyond the root).
  u32 codes[288];
  for (u32 symbol = 0; symbol < count; symbol++) {
    u32 length = lengths[symbol];
    if (!length) continue;
    codes[symbol] = reverse_bits(next_code[length]++, length);
    if (length > root) {
      u32 prefix = codes[symbol] & (root_size - 1);
      if (length - root > sub_bits[prefix]) sub_bits[prefix] = (u8)(length - root);
    }
  }
  u32 used = root_size;
  for (u32 prefix = 0; prefix < root_size; prefix++) {
    if (!sub_bits[prefix]) continue;
    u32 size = 1u << sub_bits[prefix];
    if (used + size > table_size) return -1;
    sub_offset[prefix] = used;
    for (u32 i = 0; i < size; i++) table[used + i] = INVALID;
    table[prefix] = (used << 16) | ((u32)sub_bits[prefix] << 12) | SUBTABLE | root;
    used += size;
  }
  for (u32 symbol = 0; symbol < count; symbol++) {
    u32 length = lengths[symbol];
    if (!length) continue;
    u32 reversed = codes[symbol];
    if (length <= root) {
      for (u32 i = reversed; i < root_size; i += 1u << length) table[i] = (symbol << 16) | length;
    } else {
      u32 prefix = reversed & (root_size - 1);
      u32 size = 1u << sub_bits[prefix];
      u32 rest = length - root;
      for (u32 i = reversed >> root; i < size; i += 1u << rest) table[sub_offset[prefix] + i] = (symbol << 16) | rest;
    }
  }
  return 0;
}

// Pulls input bytes into the bit buffer until it holds at least `need` bits (at most 56); 0 if the
// input ran out. With 8 bytes at hand it loads them as one word: the bits above `bit_count` it leaves
// are the next input bits, so loading them again later ORs in the same values.
static inline int fill(u32 need) {
  if (bit_count >= need) return 1;
  if (in_end - in_pos >= 8) {
    u64 word;
    __builtin_memcpy(&word, input + in_pos, 8);
    bits |= word << bit_count;
    in_pos += (63 - bit_count) >> 3;
    bit_count |= 56;
    return 1;
  }
  while (bit_count < need) {
    if (in_pos >= in_end) return 0;
    bits |= (u64)input[in_pos++] << bit_count;
    bit_count += 8;
  }
  return 1;
}

static inline u32 take_bits(u32 count) {
  u32 value = (u32)(bits & ((1ull << count) - 1));
  bits >>= count;
  bit_count -= count;
  return value;
}

// Decodes one symbol with the buffered bits; -1 when more bits are needed, -2 for an invalid code.
static inline int decode_symbol(const u32 *table, u32 root) {
  u32 entry = table[bits & ((1u << root) - 1)];
  if (entry & SUBTABLE) {
    u32 index_bits = (entry >> 12) & 0xf;
    if (bit_count < root) return -1;
    u32 sub = table[(entry >> 16) + ((u32)(bits >> root) & ((1u << index_bits) - 1))];
    if (sub & INVALID) return bit_count >= root + index_bits ? -2 : -1;
    u32 length = root + (sub & 0xff);
    if (bit_count < length) return -1;
    bits >>= length;
    bit_count -= length;
    return (int)(sub >> 16);
  }
  if (entry & INVALID) return bit_count >= root ? -2 : -1;
  u32 length = entry & 0xff;
  if (bit_count < length) return -1;
  bits >>= length;
  bit_count -= length;
  return (int)(entry >> 16);
}

static int read_fixed_tables(void) {
  u8 lengths[320];
  for (u32 i = 0; i < 144; i++) lengths[i] = 8;
  for (u32 i = 144; i < 256; i++) lengths[i] = 9;
  for (u32 i = 256; i < 280; i++) lengths[i] = 7;
  for (u32 i = 280; i < 288; i++) lengths[i] = 8;
  for (u32 i = 0; i < 30; i++) lengths[288 + i] = 5;
  if (build_table(len_table, LEN_TABLE_SIZE, LEN_ROOT, lengths, 288)) return ERR_CODES;
  if (build_table(dist_table, DIST_TABLE_SIZE, DIST_ROOT, lengths + 288, 30)) return ERR_CODES;
  return 0;
}

// The code lengths of a dynamic block; 1 = more input needed (nothing committed), 0 = done, < 0 error.
static int read_dynamic_tables(void) {
  if (!fill(14)) return 1;
  u32 literal_count = take_bits(5) + 257;
  u32 distance_count = take_bits(5) + 1;
  u32 code_length_count = take_bits(4) + 4;
  if (literal_count > 286 || distance_count > 30) return ERR_CODE_LENGTHS;
  u8 code_lengths[19] = {0};
  for (u32 i = 0; i < code_length_count; i++) {
    if (!fill(3)) return 1;
    code_lengths[CODE_LENGTH_ORDER[i]] = (u8)take_bits(3);
  }
  // The code-length code shares the distance table's space: it is rebuilt right after.
  if (build_table(dist_table, DIST_TABLE_SIZE, DIST_ROOT, code_lengths, 19)) return ERR_CODE_LENGTHS;
  u8 lengths[320];
  u32 total = literal_count + distance_count;
  u32 filled = 0;
  while (filled < total) {
    fill(DIST_ROOT + 7);
    int symbol = decode_symbol(dist_table, DIST_ROOT);
    if (symbol == -1) {
      if (in_pos >= in_end) return 1;
      continue;
    }
    if (symbol < 0) return ERR_CODE_LENGTHS;
    if (symbol < 16) {
      lengths[filled++] = (u8)symbol;
      continue;
    }
    u32 repeat;
    u8 value = 0;
    if (symbol == 16) {
      if (filled == 0) return ERR_CODE_LENGTHS;
      if (!fill(2)) return 1;
      value = lengths[filled - 1];
      repeat = 3 + take_bits(2);
    } else if (symbol == 17) {
      if (!fill(3)) return 1;
      repeat = 3 + take_bits(3);
    } else {
      if (!fill(7)) return 1;
      repeat = 11 + take_bits(7);
    }
    if (filled + repeat > total) return ERR_CODE_LENGTHS;
    while (repeat--) lengths[filled++] = value;
  }
  if (lengths[256] == 0) return ERR_CODE_LENGTHS;
  if (build_table(len_table, LEN_TABLE_SIZE, LEN_ROOT, lengths, literal_count)) return ERR_CODES;
  if (build_table(dist_table, DIST_TABLE_SIZE, DIST_ROOT, lengths + literal_count, distance_count)) return ERR_CODES;
  return 0;
}

// A block header; 1 = more input needed (nothing committed), 0 = read, < 0 error.
static int read_block_header(void) {
  u32 saved_pos = in_pos, saved_count = bit_count;
  u64 saved_bits = bits;
  int result;
  if (!fill(3)) {
    result = 1;
  } else {
    u32 final = take_bits(1);
    u32 type = take_bits(2);
    if (type == 0) {
      take_bits(bit_count & 7);
      if (!fill(32)) {
        result = 1;
      } else {
        u32 length = take_bits(16);
        u32 complement = take_bits(16);
        if ((length ^ 0xffff) != complement) return ERR_STORED_LENGTH;
        stored_left = length;
        mode = 1;
        result = 0;
      }
    } else if (type == 1) {
      result = read_fixed_tables();
      if (!result) mode = 2;
    } else if (type == 2) {
      result = read_dynamic_tables();
      if (!result) mode = 2;
    } else {
      return ERR_BLOCK_TYPE;
    }
    if (!result) last_block = final;
  }
  if (result == 1) {
    in_pos = saved_pos;
    bit_count = saved_count;
    bits = saved_bits;
  }
  return result;
}

static int run_stored(void) {
  // Whole bytes still in the bit buffer come first.
  while (stored_left && bit_count >= 8) {
    if (out_pos >= OUTPUT_CAP) return OUTPUT_FULL;
    output[out_pos++] = (u8)take_bits(8);
    stored_left--;
  }
  // The rest comes straight from the input: drop the look-ahead bits a word load left, which are
  // those same bytes (`bit_count` is 0 here once any are left to copy).
  if (stored_left) bits = 0;
  while (stored_left) {
    u32 count = stored_left;
    if (count > in_end - in_pos) count = in_end - in_pos;
    if (count > OUTPUT_CAP - out_pos) count = OUTPUT_CAP - out_pos;
    if (!count) return in_pos >= in_end ? NEED_INPUT : OUTPUT_FULL;
    copy_bytes(output + out_pos, input + in_pos, count);
    out_pos += count;
    in_pos += count;
    stored_left -= count;
  }
  mode = 0;
  return DONE;
}

static int run_huffman(void) {
  for (;;) {
    if (out_pos > OUTPUT_CAP - MAX_MATCH) return OUTPUT_FULL;
    u32 saved_pos = in_pos, saved_count = bit_count;
    u64 saved_bits = bits;
    // Enough for the longest literal/length code, its extra bits, a distance code and its extra bits.
    fill(15 + 5 + 15 + 13);
    int symbol = decode_symbol(len_table, LEN_ROOT);
    if (symbol == -2) return ERR_SYMBOL;
    if (symbol == -1) goto need_input;
    if (symbol < 256) {
      output[out_pos++] = (u8)symbol;
      continue;
    }
    if (symbol == 256) {
      mode = 0;
      return DONE;
    }
    symbol -= 257;
    if (symbol >= 29) return ERR_SYMBOL;
    u32 extra = LENGTH_EXTRA[symbol];
    if (bit_count < extra) goto need_input;
    u32 length = LENGTH_BASE[symbol] + take_bits(extra);
    int distance_symbol = decode_symbol(dist_table, DIST_ROOT);
    if (distance_symbol == -2) return ERR_DISTANCE;
    if (distance_symbol == -1) goto need_input;
    if (distance_symbol >= 30) return ERR_DISTANCE;
    extra = DIST_EXTRA[distance_symbol];
    if (bit_count < extra) goto need_input;
    u32 distance = DIST_BASE[distance_symbol] + take_bits(extra);
    if (distance > out_pos) return ERR_DISTANCE;
    u8 *to = output + out_pos;
    const u8 *from = to - distance;
    out_pos += length;
    if (distance >= 8) {
      // Each 8-byte read ends at or before the write: word copies are exact even when overlapping.
      while (length >= 8) {
        u64 word;
        __builtin_memcpy(&word, from, 8);
        __builtin_memcpy(to, &word, 8);
        to += 8;
        from += 8;
        length -= 8;
      }
    }
    while (length--) *to++ = *from++;
    continue;
  need_input:
    in_pos = saved_pos;
    bit_count = saved_count;
    bits = saved_bits;
    return NEED_INPUT;
  }
}

static void take_crc(void) {
  if (out_pos > out_taken) {
    crc = crc_update(crc, output + out_taken, out_pos - out_taken);
    total_out += out_pos - out_taken;
  }
}

// --- Exports -------------------------------------------------------------------------------------

__attribute__((export_name("input_address"))) u8 *input_address(void) { return input; }
__attribute__((export_name("input_capacity"))) u32 input_capacity(void) { return INPUT_CAP; }
__attribute__((export_name("output_address"))) u8 *output_address(void) { return output; }

__attribute__((export_name("reset"))) void reset(void) {
  if (!crc_tables[0][1]) crc_init();
  in_end = in_pos = bit_count = 0;
  bits = 0;
  out_pos = out_taken = total_out = 0;
  crc = 0xffffffffu;
  mode = 0;
  last_block = 0;
  stored_left = 0;
}

// Moves the unread input to the front; returns where the next bytes go (input_address() + end).
__attribute__((export_name("input_compact"))) u32 input_compact(void) {
  u32 left = in_end - in_pos;
  for (u32 i = 0; i < left; i++) input[i] = input[in_pos + i];
  in_pos = 0;
  in_end = left;
  return in_end;
}

__attribute__((export_name("input_written"))) void input_written(u32 count) { in_end += count; }

// Decodes as far as it can. Returns NEED_INPUT, OUTPUT_FULL (take the output, then run again),
// DONE (the final block ended) or an error (< 0).
__attribute__((export_name("inflate_run"))) int inflate_run(void) {
  for (;;) {
    int status;
    if (mode == 3) return DONE;
    if (mode == 0) {
      status = read_block_header();
      if (status == 1) return NEED_INPUT;
      if (status < 0) return status;
      continue;
    }
    status = mode == 1 ? run_stored() : run_huffman();
    if (status != DONE) return status;
    if (last_block) {
      mode = 3;
      return DONE;
    }
  }
}

// Output produced since the last take: [output_taken_from(), output_end()).
__attribute__((export_name("output_taken_from"))) u32 output_taken_from(void) { return out_taken; }
__attribute__((export_name("output_end"))) u32 output_end(void) { return out_pos; }

// The caller has copied the new output: fold it into the CRC, and keep only the last 32 KiB
// (the window back-references reach) once the buffer is past half.
__attribute__((export_name("output_take"))) void output_take(void) {
  take_crc();
  out_taken = out_pos;
  if (out_pos > OUTPUT_CAP / 2) {
    u32 from = out_pos - WINDOW;
    for (u32 i = 0; i < WINDOW; i++) output[i] = output[from + i];
    out_pos = out_taken = WINDOW;
  }
}

__attribute__((export_name("output_crc"))) u32 output_crc(void) { return crc ^ 0xffffffffu; }
__attribute__((export_name("output_total"))) u32 output_total(void) { return total_out; }

// After DONE: the unread input, byte-aligned (whole bytes left in the bit buffer are given back).
__attribute__((export_name("input_rest_start"))) u32 input_rest_start(void) {
  take_bits(bit_count & 7);
  u32 held = bit_count / 8;
  bits = 0;
  bit_count = 0;
  in_pos -= held;
  return in_pos;
}

__attribute__((export_name("input_end"))) u32 input_end(void) { return in_end; }
