// The table behind toy_lanes.h's lists of non-zero lanes.
#include <stdint.h>

// Positions of the set bits of every byte: row b lists the bits of b, lowest first.
__attribute__((visibility("hidden"))) uint8_t toy_bit_positions[256][8];

__attribute__((constructor)) static void make_bit_tables(void) {
  for (int b = 0; b < 256; b++) {
    int count = 0;
    for (int i = 0; i < 8; i++)
      if (b >> i & 1) toy_bit_positions[b][count++] = (uint8_t)i;
  }
}
