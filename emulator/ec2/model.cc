#include "emulator/ec2/model.h"

namespace awslab::ec2 {
namespace json = boost::json;
namespace {

template <class V> void Fields(V& v, Event& e);
template <class V> void Fields(V& v, AddressUse& u);
template <class V> void Fields(V& v, BlockDevice& d);
template <class V> void Fields(V& v, IpPermission& p);

// Each record lists its fields once, in Fields(); the writer and the reader
// below visit that list. Times are stored as nanoseconds since the epoch.
struct Writer {
  json::object o;
  void operator()(const char* k, const std::string& v) {
    if (!v.empty()) o[k] = v;
  }
  void operator()(const char* k, int v) { o[k] = v; }
  void operator()(const char* k, bool v) { o[k] = v; }
  void operator()(const char* k, TimePoint v) { o[k] = v.time_since_epoch().count(); }
  void operator()(const char* k, const std::optional<TimePoint>& v) {
    if (v) (*this)(k, *v);
  }
  void operator()(const char* k, const std::vector<std::string>& v) {
    if (v.empty()) return;
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    o[k] = std::move(a);
  }
  void operator()(const char* k, const Tags& v) {
    if (v.empty()) return;
    json::array a;
    for (const auto& [key, value] : v) a.push_back(json::array{json::string(key), json::string(value)});
    o[k] = std::move(a);
  }
  void operator()(const char* k, Action v) { o[k] = static_cast<int>(v); }
  template <class T>
  void operator()(const char* k, const std::vector<T>& v) {
    if (v.empty()) return;
    json::array a;
    for (const T& t : v) {
      Writer w;
      Fields(w, const_cast<T&>(t));
      a.push_back(std::move(w.o));
    }
    o[k] = std::move(a);
  }
};

struct Reader {
  const json::object& o;
  bool ok = true;
  const json::value* Find(const char* k) { return o.if_contains(k); }
  void operator()(const char* k, std::string& v) {
    if (auto* x = Find(k)) {
      if (auto* s = x->if_string()) v = std::string(*s);
      else ok = false;
    }
  }
  void operator()(const char* k, int& v) {
    if (auto* x = Find(k)) {
      if (x->is_int64()) v = static_cast<int>(x->as_int64());
      else ok = false;
    }
  }
  void operator()(const char* k, bool& v) {
    if (auto* x = Find(k)) {
      if (x->is_bool()) v = x->as_bool();
      else ok = false;
    }
  }
  void operator()(const char* k, TimePoint& v) {
    if (auto* x = Find(k)) {
      if (x->is_int64()) v = TimePoint(TimePoint::duration(x->as_int64()));
      else ok = false;
    }
  }
  void operator()(const char* k, std::optional<TimePoint>& v) {
    if (Find(k)) {
      TimePoint t;
      (*this)(k, t);
      v = t;
    }
  }
  void operator()(const char* k, std::vector<std::string>& v) {
    if (auto* x = Find(k)) {
      if (!x->is_array()) return void(ok = false);
      for (const auto& e : x->as_array()) {
        if (!e.is_string()) return void(ok = false);
        v.emplace_back(e.as_string());
      }
    }
  }
  void operator()(const char* k, Tags& v) {
    if (auto* x = Find(k)) {
      if (!x->is_array()) return void(ok = false);
      for (const auto& e : x->as_array()) {
        const json::array* pair = e.if_array();
        if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string())
          return void(ok = false);
        v.emplace_back(std::string((*pair)[0].as_string()), std::string((*pair)[1].as_string()));
      }
    }
  }
  void operator()(const char* k, Action& v) {
    int n = 0;
    (*this)(k, n);
    if (n < 0 || n > 2) ok = false;
    v = static_cast<Action>(n);
  }
  template <class T>
  void operator()(const char* k, std::vector<T>& v) {
    if (auto* x = Find(k)) {
      if (!x->is_array()) return void(ok = false);
      for (const auto& e : x->as_array()) {
        if (!e.is_object()) return void(ok = false);
        Reader r{e.as_object()};
        T t;
        Fields(r, t);
        if (!r.ok) return void(ok = false);
        v.push_back(std::move(t));
      }
    }
  }
};

template <class V>
void Fields(V& v, Event& e) {
  v("action", e.action);
  v("at", e.at);
  v("type", e.instance_type);
}

template <class V>
void Fields(V& v, AddressUse& u) {
  v("instance", u.instance_id);
  v("from", u.from);
  v("to", u.to);
}

template <class V>
void Fields(V& v, BlockDevice& d) {
  v("device", d.device_name);
  v("volume", d.volume_id);
  v("dot", d.delete_on_termination);
  v("attached", d.attach_time);
}

template <class V>
void Fields(V& v, Instance& i) {
  v("id", i.id);
  v("reservation", i.reservation_id);
  v("image", i.image_id);
  v("type", i.instance_type);
  v("key", i.key_name);
  v("zone", i.zone);
  v("subnet", i.subnet_id);
  v("vpc", i.vpc_id);
  v("private_ip", i.private_ip);
  v("public_ip", i.public_ip);
  v("groups", i.group_ids);
  v("devices", i.devices);
  v("user_data", i.user_data);
  v("client_token", i.client_token);
  v("launch_index", i.launch_index);
  v("tags", i.tags);
  v("spot_type", i.spot_type);
  v("spot_request", i.spot_request_id);
  v("spot_price", i.spot_max_price);
  v("launch_time", i.launch_time);
  v("action", i.action);
  v("action_at", i.action_at);
  v("forced", i.forced_stop);
  v("history", i.history);
}

template <class V>
void Fields(V& v, KeyPair& k) {
  v("id", k.id);
  v("name", k.name);
  v("type", k.type);
  v("fingerprint", k.fingerprint);
  v("public_key", k.public_key);
  v("created", k.created);
  v("tags", k.tags);
}

template <class V>
void Fields(V& v, IpPermission& p) {
  v("protocol", p.protocol);
  v("from", p.from_port);
  v("to", p.to_port);
  v("cidrs", p.cidrs);
  v("cidrs6", p.cidrs_v6);
  v("groups", p.group_ids);
  v("descriptions", p.descriptions);
}

template <class V>
void Fields(V& v, SecurityGroup& g) {
  v("id", g.id);
  v("name", g.name);
  v("description", g.description);
  v("vpc", g.vpc_id);
  v("ingress", g.ingress);
  v("egress", g.egress);
  v("tags", g.tags);
}

template <class V>
void Fields(V& v, Address& a) {
  v("id", a.allocation_id);
  v("ip", a.public_ip);
  v("association", a.association_id);
  v("instance", a.instance_id);
  v("allocated", a.allocated);
  v("associated", a.associated);
  v("tags", a.tags);
  v("uses", a.uses);
  v("released", a.released_at);
}

template <class V>
void Fields(V& v, Volume& x) {
  v("id", x.id);
  v("zone", x.zone);
  v("size", x.size_gib);
  v("type", x.type);
  v("snapshot", x.snapshot_id);
  v("iops", x.iops);
  v("created", x.created);
  v("instance", x.instance_id);
  v("device", x.device);
  v("attached", x.attach_time);
  v("dot", x.delete_on_termination);
  v("deleted", x.deleted_at);
  v("tags", x.tags);
}

template <class V>
void Fields(V& v, SpotRequest& r) {
  v("id", r.id);
  v("type", r.type);
  v("max_price", r.max_price);
  v("image", r.image_id);
  v("instance_type", r.instance_type);
  v("key", r.key_name);
  v("zone", r.zone);
  v("groups", r.group_ids);
  v("interruption", r.interruption_behavior);
  v("created", r.created);
  v("instance", r.instance_id);
  v("too_low_for", r.too_low_for);
  v("cancelled", r.cancelled_at);
  v("tags", r.tags);
}

template <class T>
json::value Write(const T& t) {
  Writer w;
  Fields(w, const_cast<T&>(t));
  return std::move(w.o);
}

template <class T>
bool Read(const json::value& v, T& out) {
  if (!v.is_object()) return false;
  Reader r{v.as_object()};
  out = T{};
  Fields(r, out);
  return r.ok;
}

}  // namespace

json::value ToJson(const Instance& i) { return Write(i); }
json::value ToJson(const KeyPair& k) { return Write(k); }
json::value ToJson(const SecurityGroup& g) { return Write(g); }
json::value ToJson(const Address& a) { return Write(a); }
json::value ToJson(const Volume& v) { return Write(v); }
bool FromJson(const json::value& v, Instance& out) { return Read(v, out); }
bool FromJson(const json::value& v, KeyPair& out) { return Read(v, out); }
bool FromJson(const json::value& v, SecurityGroup& out) { return Read(v, out); }
bool FromJson(const json::value& v, Address& out) { return Read(v, out); }
bool FromJson(const json::value& v, Volume& out) { return Read(v, out); }
json::value ToJson(const SpotRequest& r) { return Write(r); }
bool FromJson(const json::value& v, SpotRequest& out) { return Read(v, out); }

}  // namespace awslab::ec2
