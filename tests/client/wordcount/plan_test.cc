// Planning units and merging results (job.h), without a server.
#include <gtest/gtest.h>

#include "client/wordcount/job.h"

namespace awslab::wordcount {
namespace {

TEST(PlanUnitsTest, SplitsOnlyObjectsLargerThanTheSplitSize) {
  std::vector<CorpusObject> objects = {{"a", 0}, {"b", 10}, {"c", 25}, {"d", 11}};
  auto plan = PlanUnits(objects, 10);
  ASSERT_EQ(plan.size(), 1u + 1 + 3 + 2);
  EXPECT_EQ(plan[0].object, 0u);
  EXPECT_EQ(plan[0].end, 0u);
  EXPECT_EQ(plan[1].end, 10u);
  EXPECT_EQ(plan[2].begin, 0u);
  EXPECT_EQ(plan[3].begin, 10u);
  EXPECT_EQ(plan[4].begin, 20u);
  EXPECT_EQ(plan[4].end, 25u);
  EXPECT_EQ(plan[6].object, 3u);
  EXPECT_EQ(plan[6].begin, 10u);
  EXPECT_EQ(plan[6].end, 11u);
  EXPECT_EQ(PlanUnits(objects, 0).size(), 4u);  // 0: never split
}

TEST(TallyTest, AddsUnitsUpPerObject) {
  std::vector<CorpusObject> objects = {{"a", 5}, {"b", 30}};
  auto plan = PlanUnits(objects, 10);
  Tally t;
  t.units.resize(plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i) t.units[i].words = i + 1;
  EXPECT_EQ(t.Words(), 1u + 2 + 3 + 4);
  EXPECT_EQ(t.ObjectWords(plan, 2), (std::vector<std::uint64_t>{1, 9}));
}

TEST(TopWordsTest, MostFrequentFirstTiesByBytes) {
  WordTable table = {{"b", 3}, {"a", 3}, {"c", 5}, {"d", 1}};
  auto top = TopWords(table, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].first, "c");
  EXPECT_EQ(top[1].first, "a");
  EXPECT_EQ(top[2].first, "b");
  EXPECT_EQ(TopWords(table, 10).size(), 4u);
  WordTable more = {{"d", 10}, {"e", 1}};
  MergeTables(table, std::move(more));
  EXPECT_EQ(table["d"], 11u);
  EXPECT_EQ(table.size(), 5u);
}

TEST(ValidUtf8Test, ReplacesWhatIsNotUtf8) {
  EXPECT_EQ(ValidUtf8("caf\xc3\xa9 \xf0\x9f\x91\x8d"), "caf\xc3\xa9 \xf0\x9f\x91\x8d");
  EXPECT_EQ(ValidUtf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(ValidUtf8("\xe2\x80"), "\xef\xbf\xbd\xef\xbf\xbd");   // cut short
  EXPECT_EQ(ValidUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");   // overlong
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  WordTable table = {{"\xff", 2}};
  EXPECT_EQ(TopWords(table, 1)[0].first, "\xef\xbf\xbd");
}

}  // namespace
}  // namespace awslab::wordcount
