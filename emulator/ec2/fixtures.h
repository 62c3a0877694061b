// The files of fixtures/ec2/, built into the binary by emulator/ec2/embed_fixtures.cmake (the
// generated source defines EmbeddedFixture).
//
// Thread-safety: pure function over static data.
#ifndef AWSLAB_EMULATOR_EC2_FIXTURES_H_
#define AWSLAB_EMULATOR_EC2_FIXTURES_H_

#include <string_view>

namespace awslab::ec2 {

// The text of fixtures/ec2/<name> ("instance-types.tsv", "images.tsv") as it was at build time;
// empty for a file that was not embedded. The view refers to static storage.
std::string_view EmbeddedFixture(std::string_view name);

}  // namespace awslab::ec2

#endif  // AWSLAB_EMULATOR_EC2_FIXTURES_H_
