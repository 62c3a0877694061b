// Exact amounts for billing: money and quantities as integers of 10^-9
// (nano-dollars, nano-hours, ...), and the calendar arithmetic bills need
// (clock hours, days and months in UTC). No binary floating point.
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_BILLING_MONEY_H_
#define AWSLAB_EMULATOR_BILLING_MONEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace awslab::billing {

// An amount in units of 10^-9: 11,600,000 is $0.0116.
using Nano = std::int64_t;
inline constexpr Nano kNanoPerUnit = 1'000'000'000;

// "0.0116", "-8.352", "0", "12": at most 9 decimals, no trailing zeros.
std::string FormatNano(Nano v);
// "0.0116", "10", "-1.5", "25.00"; nullopt when malformed or with more than
// 9 decimals.
std::optional<Nano> ParseNano(std::string_view s);

// round(a * b / c), half away from zero, in 128-bit arithmetic; c > 0.
Nano MulDivRound(__int128 a, __int128 b, __int128 c);

// Times are whole seconds since the epoch (UTC).
using Seconds = std::int64_t;
inline constexpr Seconds kHour = 3600;
inline constexpr Seconds kDay = 86400;

inline Seconds FloorHour(Seconds t) { return t - ((t % kHour) + kHour) % kHour; }
inline Seconds FloorDay(Seconds t) { return t - ((t % kDay) + kDay) % kDay; }
// The first second of the calendar month holding t, and of the next one.
Seconds MonthStart(Seconds t);
Seconds NextMonthStart(Seconds t);
inline Seconds MonthSeconds(Seconds t) { return NextMonthStart(t) - MonthStart(t); }
// "2013-04".
std::string MonthName(Seconds t);
// "2013-04-01" or "2013-04-01T05:00:00Z" (also with fractional seconds);
// nullopt when malformed or not a real date.
std::optional<Seconds> ParseDateTime(std::string_view s);
// "2013-04-01".
std::string FormatDate(Seconds t);
// "2013-04-01T05:00:00Z".
std::string FormatDateTime(Seconds t);

}  // namespace awslab::billing

#endif  // AWSLAB_EMULATOR_BILLING_MONEY_H_
