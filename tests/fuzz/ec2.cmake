# EC2's Query API: form bodies through parameter parsing, filters and the
# handlers (Ec2Api::Handle over an in-memory store), answers checked as XML.
awslab_fuzzer(ec2_query SOURCES ec2_query_fuzzer.cc LIBS awslab_api pugixml::pugixml)
