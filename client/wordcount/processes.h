// The process run of the word-count job (job.h, Mode::kProcesses): workers
// forked from the calling process, as Python's multiprocessing forks its
// pool on Linux.
#ifndef AWSLAB_CLIENT_WORDCOUNT_PROCESSES_H_
#define AWSLAB_CLIENT_WORDCOUNT_PROCESSES_H_

#include "client/wordcount/job.h"

namespace awslab::wordcount {

// `workers` processes, each with its own client, take plan indexes from a
// counter in shared memory and write their counts (and word tables) to a
// pipe of their own; this process reads the pipes as they fill and waits for
// every worker. A worker that fails writes its error and asks the others to
// stop after their current unit; a worker that dies without finishing is an
// error too (IOError, naming the signal).
Result<Tally> RunProcesses(const client::Config& config, const JobOptions& options,
                           const std::vector<CorpusObject>& objects,
                           const std::vector<Unit>& plan, int workers,
                           const std::atomic<bool>* cancel);

}  // namespace awslab::wordcount

#endif  // AWSLAB_CLIENT_WORDCOUNT_PROCESSES_H_
