// Per-thread spare buffers for bodies of a few kilobytes (a small PUT's
// staged body, a small GET's answer). malloc serves blocks of a kilobyte and
// more outside its per-thread cache, and allocating and freeing one cost
// about as much as a system call (callgrind: ~1,000 instructions each way);
// a request instead takes a buffer another request of its thread gave back.
//
// Thread-safety: each thread has its own spares; a buffer may be given back
// on another thread than the one that took it.
#ifndef AWSLAB_EMULATOR_BASE_SPARE_BUFFERS_H_
#define AWSLAB_EMULATOR_BASE_SPARE_BUFFERS_H_

#include <string>

namespace awslab {

// Makes `s` an empty string with a spare buffer's capacity, when the thread
// has one (otherwise leaves it as it is).
void TakeSpareBuffer(std::string& s);
// Keeps the buffer of `s` (of 1 to 16 KiB; at most 8 per thread) for a
// later TakeSpareBuffer, and leaves `s` empty.
void GiveSpareBuffer(std::string& s);

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_SPARE_BUFFERS_H_
