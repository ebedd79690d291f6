// HDF5 layer: RAII over the HDF5 C API, attributes, 1-D arrays, extensible 2-D datasets and
// columnar tables (see include/nanoreach/io/h5.hpp for the encodings and layouts).
//
// Invariants: every id is owned by a Handle; every HDF5 failure is turned into nanoreach::Error
// with the file name, the object path and the innermost message of HDF5's error stack (automatic
// printing is off, per thread). Reads convert only within a type class and abort on overflow
// (a transfer property list with a conversion-exception callback). Writers that create an object
// and then fail remove it again, and a failed table append shrinks the columns already extended,
// so a retry starts from a consistent file.
// Follows the HDF5 1.10 user guide (chunking, filters, variable-length strings) and h5py's
// conventions for strings and booleans so that Python reads what we write without help; dimension
// scales come from HDF5's high-level library (H5DS), which is what netCDF-4 readers look for.
#include "nanoreach/io/h5.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <type_traits>

namespace nanoreach::io::h5 {
namespace {

// ---------------------------------------------------------------------------------------------
// Errors

// HDF5 closes what is still open at exit (an atexit handler). After a write failed (a full disk)
// closing a dataset fails half way and HDF5 keeps its id, and that handler then crashes in
// H5G_close (measured with 1.10.8: a segfault after the error message). Every id is owned by a
// Handle and closed when the error unwinds the stack, so the handler has nothing left to do but
// crash: it is switched off before HDF5 starts (a static initialiser runs before main).
[[maybe_unused]] const bool kNoShutdownAtExit = H5dont_atexit() >= 0;

// Failed system calls, by file name. A dataset flushes its buffers when it is closed, and a Handle
// closes it in a destructor that cannot report the failure; HDF5 then drops the data, and later
// flushes of the file succeed. So every failing HDF5 call is looked at (HDF5's automatic error
// function, which would otherwise print), the operating system's reason is kept for its file,
// and File::flush() and File::close() fail when their file has lost a write. Lookups that fail on
// purpose (H5Lexists on a missing path) carry no errno and are not kept.
std::mutex g_io_mutex;
std::map<std::string, std::string> g_io_errors;

herr_t record_io_error(hid_t stack, void*) {
  H5Ewalk2(
      stack, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void*) -> herr_t {
        const std::string m = e->desc ? e->desc : "";
        const auto at = m.find("errno = "), name = m.find("filename = '");
        if (at == std::string::npos || name == std::string::npos) return 0;
        const int code = std::atoi(m.c_str() + at + 8);
        const auto end = m.find('\'', name + 12);
        if (code <= 0 || end == std::string::npos) return 0;
        const std::lock_guard<std::mutex> lock(g_io_mutex);
        g_io_errors.emplace(m.substr(name + 12, end - name - 12), std::strerror(code));
        return 0;
      },
      nullptr);
  return 0;
}

// The system's reason a write to `file` was lost ("" if none was).
std::string lost_write(const std::string& file) {
  const std::lock_guard<std::mutex> lock(g_io_mutex);
  const auto it = g_io_errors.find(file);
  return it == g_io_errors.end() ? std::string() : it->second;
}

void forget_lost_writes(const std::string& file) {
  const std::lock_guard<std::mutex> lock(g_io_mutex);
  g_io_errors.erase(file);
}

// HDF5's error stack is per thread in a thread-safe build, and so is its automatic error function.
void quiet() {
  thread_local bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, record_io_error, nullptr);
    done = true;
  }
}

// The innermost (most specific) message of HDF5's error stack; clears the stack.
std::string hdf5_reason() {
  std::vector<std::string> messages;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(e->desc ? e->desc : "");
        return 0;
      },
      &messages);
  H5Eclear2(H5E_DEFAULT);
  // A failed system call (a full disk, a quota, an I/O error) is reported deep in the stack as
  // "... errno = 28, error message = 'No space left on device' ...": that text is the reason.
  for (const std::string& m : messages) {
    const auto at = m.find("errno = ");
    if (at == std::string::npos) continue;
    const int code = std::atoi(m.c_str() + at + 8);
    if (code > 0) return std::strerror(code);
  }
  while (!messages.empty() && messages.back().empty()) messages.pop_back();
  return messages.empty() ? std::string() : messages.back();
}

std::string name_of(hid_t id) {
  ssize_t n = H5Iget_name(id, nullptr, 0);
  if (n <= 0) return "?";
  std::string s(static_cast<std::size_t>(n), '\0');
  H5Iget_name(id, s.data(), static_cast<std::size_t>(n) + 1);
  return s;
}

std::string file_of(hid_t id) {
  ssize_t n = H5Fget_name(id, nullptr, 0);
  if (n <= 0) return "?";
  std::string s(static_cast<std::size_t>(n), '\0');
  H5Fget_name(id, s.data(), static_cast<std::size_t>(n) + 1);
  return s;
}

std::string join(std::string_view base, std::string_view rel) {
  if (rel.empty() || rel == ".") return std::string(base);
  if (rel.front() == '/') return std::string(rel);
  if (base.empty()) return std::string(rel);
  if (base == "/") return "/" + std::string(rel);
  return std::string(base) + "/" + std::string(rel);
}

// What an error is about: `noun` ("dataset", "attribute 'x' of", ...) at `rel` below `loc`.
struct Where {
  hid_t loc;
  std::string_view rel;
  std::string noun;
};

// "<action> <noun> '<path>' in HDF5 file '<file>'<detail>[: <HDF5's reason>]"
[[noreturn]] void fail(const Where& w, std::string_view action, std::string_view detail = {},
                       bool from_hdf5 = true) {
  std::string reason = from_hdf5 ? hdf5_reason() : std::string();
  std::string message(action);
  message +=
      " " + w.noun + " '" + join(name_of(w.loc), w.rel) + "' in HDF5 file '" + file_of(w.loc) + "'";
  message += detail;
  if (!reason.empty()) message += ": " + reason;
  H5Eclear2(H5E_DEFAULT);
  throw Error(message);
}

// ---------------------------------------------------------------------------------------------
// Types

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else
    static_assert(sizeof(T) == 0, "unsupported element type");
}

// The type in the file: fixed little-endian, whatever the machine.
template <class T>
hid_t stored_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_IEEE_F64LE;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_STD_I64LE;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_STD_U64LE;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_STD_I32LE;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_STD_U32LE;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_STD_U8LE;
  else
    static_assert(sizeof(T) == 0, "unsupported element type");
}

template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, double>)
    return "float64";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "int64";
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return "uint64";
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return "int32";
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return "uint32";
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return "uint8";
  else if constexpr (std::is_same_v<T, std::string>)
    return "string";
  else
    static_assert(sizeof(T) == 0, "unsupported element type");
}

// A stored type in the words of type_name(): "int32", "float64", "string", "enum", ...
std::string describe_type(hid_t type) {
  std::size_t bits = 8 * H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_FLOAT: return "float" + std::to_string(bits);
    case H5T_STRING: return H5Tis_variable_str(type) > 0 ? "string" : "fixed-length string";
    case H5T_ENUM: return "enum";
    case H5T_COMPOUND: return "compound";
    default: return "another type";
  }
}

// Variable-length UTF-8 string, h5py's `h5py.string_dtype()`.
DatatypeHandle string_type(H5T_cset_t cset = H5T_CSET_UTF8) {
  DatatypeHandle t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), cset);
  return t;
}

// h5py's bool: enum over int8 with FALSE=0, TRUE=1.
DatatypeHandle bool_type() {
  DatatypeHandle t(H5Tenum_create(H5T_NATIVE_INT8));
  std::int8_t v = 0;
  H5Tenum_insert(t.get(), "FALSE", &v);
  v = 1;
  H5Tenum_insert(t.get(), "TRUE", &v);
  return t;
}

// Aborts a read that would overflow the memory type (HDF5 would otherwise clamp silently).
H5T_conv_ret_t abort_on_overflow(H5T_conv_except_t e, hid_t, hid_t, void*, void*, void*) {
  return (e == H5T_CONV_EXCEPT_RANGE_HI || e == H5T_CONV_EXCEPT_RANGE_LOW) ? H5T_CONV_ABORT
                                                                           : H5T_CONV_UNHANDLED;
}

PropertyListHandle strict_transfer() {
  PropertyListHandle p(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_type_conv_cb(p.get(), abort_on_overflow, nullptr);
  return p;
}

void reclaim_strings(hid_t mem_type, hid_t space, void* buffer) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(mem_type, space, H5P_DEFAULT, buffer);
#else
  H5Dvlen_reclaim(mem_type, space, H5P_DEFAULT, buffer);
#endif
}

std::vector<const char*> c_strings(std::span<const std::string> values, const Where& w) {
  std::vector<const char*> out;
  out.reserve(values.size());
  for (const auto& s : values) {
    if (s.find('\0') != std::string::npos)
      fail(w, "cannot write", ": a string contains a NUL character, which HDF5 strings cannot hold",
           false);
    out.push_back(s.c_str());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paths and groups

struct SplitPath {
  bool absolute = false;
  std::vector<std::string> parts;
};

SplitPath split(std::string_view path) {
  SplitPath s;
  s.absolute = !path.empty() && path.front() == '/';
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") s.parts.emplace_back(part);
    i = j + 1;
  }
  return s;
}

// The start of a path: the file's root for an absolute path, else `loc` itself (a new handle).
ObjectHandle start_of(hid_t loc, const SplitPath& s, std::string_view path) {
  ObjectHandle h(H5Oopen(loc, s.absolute ? "/" : ".", H5P_DEFAULT));
  if (!h) fail({loc, path, "group"}, "cannot open the start of");
  return h;
}

H5I_type_t kind_at(hid_t loc, const char* name) {
  ObjectHandle h(H5Oopen(loc, name, H5P_DEFAULT));
  if (!h) {
    H5Eclear2(H5E_DEFAULT);
    return H5I_BADID;
  }
  return H5Iget_type(h.get());
}

// Does `path` name an object below `loc`? A missing or non-group parent means no.
bool exists_at(hid_t loc, std::string_view path) {
  SplitPath s = split(path);
  if (s.parts.empty()) return true;
  ObjectHandle current = start_of(loc, s, path);
  for (std::size_t i = 0; i < s.parts.size(); ++i) {
    const char* part = s.parts[i].c_str();
    htri_t e = H5Lexists(current.get(), part, H5P_DEFAULT);
    if (e < 0) fail({loc, path, "object"}, "cannot look up");
    if (e == 0) return false;
    if (i + 1 == s.parts.size()) {
      htri_t o = H5Oexists_by_name(current.get(), part, H5P_DEFAULT);  // false: dangling soft link
      if (o < 0) H5Eclear2(H5E_DEFAULT);
      return o > 0;
    }
    if (kind_at(current.get(), part) != H5I_GROUP) return false;
    current = ObjectHandle(H5Oopen(current.get(), part, H5P_DEFAULT));
  }
  return true;
}

PropertyListHandle ordered_group_creation() {
  PropertyListHandle p(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_link_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  // Attributes stay in the object header ("compact") up to 1000 of them: HDF5 1.10's H5Ocopy crashes
  // copying variable-length string attributes out of dense storage.
  H5Pset_attr_phase_change(p.get(), 1000, 1000);
  return p;
}

// Opens or creates every group along `path` (each created group tracks creation order).
// `must_be_new`: Error if the last component already exists.
ObjectHandle require_group_at(hid_t loc, std::string_view path, bool must_be_new) {
  SplitPath s = split(path);
  if (s.parts.empty() && must_be_new)
    fail({loc, path, "group"}, "cannot create", ": it already exists", false);
  ObjectHandle current = start_of(loc, s, path);
  std::string done = s.absolute ? "/" : "";
  for (std::size_t i = 0; i < s.parts.size(); ++i) {
    const char* part = s.parts[i].c_str();
    done = done.empty() ? s.parts[i] : join(done, s.parts[i]);
    htri_t e = H5Lexists(current.get(), part, H5P_DEFAULT);
    if (e < 0) fail({loc, done, "group"}, "cannot look up");
    if (e > 0) {
      if (must_be_new && i + 1 == s.parts.size())
        fail({loc, done, "group"}, "cannot create", ": it already exists", false);
      ObjectHandle next(H5Oopen(current.get(), part, H5P_DEFAULT));
      if (!next) fail({loc, done, "group"}, "cannot open");
      if (H5Iget_type(next.get()) != H5I_GROUP)
        fail({loc, done, "object"}, "cannot use", " as a group: it is not a group", false);
      current = std::move(next);
    } else {
      PropertyListHandle gcpl = ordered_group_creation();
      hid_t g = H5Gcreate2(current.get(), part, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT);
      if (g < 0) fail({loc, done, "group"}, "cannot create");
      current = ObjectHandle(g);
    }
  }
  return current;
}

// The parent group of `path` (created if missing) and the last component's name.
std::pair<ObjectHandle, std::string> parent_and_leaf(hid_t loc, std::string_view path,
                                                     std::string_view noun) {
  SplitPath s = split(path);
  if (s.parts.empty()) fail({loc, path, std::string(noun)}, "cannot create", ": empty name", false);
  std::string leaf = s.parts.back();
  std::string parent = s.absolute ? "/" : "";
  for (std::size_t i = 0; i + 1 < s.parts.size(); ++i) parent = join(parent, s.parts[i]);
  if (parent.empty()) parent = ".";
  ObjectHandle p = require_group_at(loc, parent, false);
  htri_t e = H5Lexists(p.get(), leaf.c_str(), H5P_DEFAULT);
  if (e < 0) fail({loc, path, std::string(noun)}, "cannot look up");
  if (e > 0) fail({loc, path, std::string(noun)}, "cannot create", ": it already exists", false);
  return {std::move(p), std::move(leaf)};
}

// ---------------------------------------------------------------------------------------------
// Datasets

struct Layout {
  std::vector<hsize_t> dims;
  bool extensible = false;     // unlimited along the first dimension
  bool extensible_all = false; // unlimited along every dimension (matrices whose rows may grow)
  std::vector<hsize_t> chunk;  // empty: contiguous
  int gzip = 0;
  bool shuffle = false;
};

DatasetHandle create_dataset(hid_t parent, const std::string& leaf, hid_t file_type,
                             const Layout& layout, const Where& w) {
  std::vector<hsize_t> maxdims = layout.dims;
  if (layout.extensible) maxdims[0] = H5S_UNLIMITED;
  if (layout.extensible_all) std::fill(maxdims.begin(), maxdims.end(), H5S_UNLIMITED);
  DataspaceHandle space(
      H5Screate_simple(static_cast<int>(layout.dims.size()), layout.dims.data(), maxdims.data()));
  if (!space) fail(w, "cannot create the dataspace of");
  PropertyListHandle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (!layout.chunk.empty()) {
    if (H5Pset_chunk(dcpl.get(), static_cast<int>(layout.chunk.size()), layout.chunk.data()) < 0)
      fail(w, "cannot set the chunks of");
    if (layout.shuffle && H5Pset_shuffle(dcpl.get()) < 0)
      fail(w, "cannot set the shuffle filter of");
    if (layout.gzip > 0 && H5Pset_deflate(dcpl.get(), static_cast<unsigned>(layout.gzip)) < 0)
      fail(w, "cannot set gzip compression of");
  }
  hid_t ds = H5Dcreate2(parent, leaf.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                        H5P_DEFAULT);
  if (ds < 0) fail(w, "cannot create");
  return DatasetHandle(ds);
}

void write_all(hid_t ds, hid_t mem_type, const void* data, const Where& w) {
  if (H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail(w, "cannot write");
}

std::vector<hsize_t> dims_of(hid_t ds, const Where& w) {
  DataspaceHandle space(H5Dget_space(ds));
  if (!space) fail(w, "cannot get the shape of");
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(w, "cannot get the shape of");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  return std::to_string(dims.size()) + "-D";
}

// Adds `new_rows` rows (each the size of the dataset's other dimensions) at the end of `ds`.
void append_raw(hid_t ds, hid_t mem_type, const void* data, hsize_t new_rows, const Where& w) {
  std::vector<hsize_t> dims = dims_of(ds, w);
  if (dims.empty()) fail(w, "cannot append to", ": it is scalar", false);
  if (new_rows == 0) return;
  {
    DataspaceHandle space(H5Dget_space(ds));
    std::vector<hsize_t> maxdims(dims.size());
    H5Sget_simple_extent_dims(space.get(), nullptr, maxdims.data());
    if (maxdims[0] != H5S_UNLIMITED && maxdims[0] < dims[0] + new_rows)
      fail(w, "cannot append to", ": it was written with a fixed size", false);
  }
  std::vector<hsize_t> grown = dims;
  grown[0] += new_rows;
  if (H5Dset_extent(ds, grown.data()) < 0) fail(w, "cannot extend");
  DataspaceHandle file_space(H5Dget_space(ds));
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = dims[0];
  count[0] = new_rows;
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr) < 0)
    fail(w, "cannot select the new rows of");
  DataspaceHandle mem_space(
      H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  if (H5Dwrite(ds, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data) < 0) {
    std::string reason = hdf5_reason();
    H5Dset_extent(ds, dims.data());  // leave the dataset as it was
    H5Eclear2(H5E_DEFAULT);
    fail(w, "cannot write the new rows of", reason.empty() ? "" : ": " + reason, false);
  }
}

// Opens the dataset at `path`, whose errors name `w`.
DatasetHandle open_dataset_at(hid_t loc, std::string_view path, const Where& w) {
  std::string p(path);
  DatasetHandle ds(H5Dopen2(loc, p.c_str(), H5P_DEFAULT));
  if (!ds) fail(w, "cannot open");
  return ds;
}

H5T_class_t class_of(hid_t type) { return H5Tget_class(type); }

// Reads a whole numeric dataset of rank `rank` as T; `dims` receives its shape.
template <class T>
std::vector<T> read_numeric(hid_t ds, int rank, std::vector<hsize_t>& dims, const Where& w) {
  DatatypeHandle type(H5Dget_type(ds));
  if (!type) fail(w, "cannot get the type of");
  H5T_class_t want = std::is_floating_point_v<T> ? H5T_FLOAT : H5T_INTEGER;
  if (class_of(type.get()) != want)
    fail(w, "cannot read",
         std::string(" as ") + type_name<T>() + ": it holds " + describe_type(type.get()), false);
  dims = dims_of(ds, w);
  if (static_cast<int>(dims.size()) != rank)
    fail(w, "cannot read", " as " + std::to_string(rank) + "-D: it is " + shape_text(dims), false);
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  std::vector<T> out(static_cast<std::size_t>(n));
  if (n > 0) {
    PropertyListHandle dxpl = strict_transfer();
    if (H5Dread(ds, native_type<T>(), H5S_ALL, H5S_ALL, dxpl.get(), out.data()) < 0)
      fail(w, "cannot read", std::string(" as ") + type_name<T>());
  }
  return out;
}

// A dataset or an attribute, for the readers they share (strings, integers).
struct Source {
  hid_t id;
  bool attribute;
  DatatypeHandle type() const {
    return DatatypeHandle(attribute ? H5Aget_type(id) : H5Dget_type(id));
  }
  DataspaceHandle space() const {
    return DataspaceHandle(attribute ? H5Aget_space(id) : H5Dget_space(id));
  }
  herr_t read(hid_t mem_type, void* buffer) const {
    if (attribute) return H5Aread(id, mem_type, buffer);
    return H5Dread(id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  }
};

std::vector<std::string> read_strings(const Source& src, const Where& w) {
  DatatypeHandle type = src.type();
  DataspaceHandle space = src.space();
  if (!type || !space) fail(w, "cannot open");
  if (class_of(type.get()) != H5T_STRING)
    fail(w, "cannot read", " as strings: it does not hold strings", false);
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail(w, "cannot get the size of");
  std::vector<std::string> out;
  if (n == 0) return out;
  out.reserve(static_cast<std::size_t>(n));
  H5T_cset_t cset = H5Tget_cset(type.get());
  htri_t variable = H5Tis_variable_str(type.get());
  if (variable < 0) fail(w, "cannot inspect the string type of");
  if (variable > 0) {
    DatatypeHandle mem = string_type(cset);
    std::vector<char*> pointers(static_cast<std::size_t>(n), nullptr);
    if (src.read(mem.get(), pointers.data()) < 0) fail(w, "cannot read");
    for (char* p : pointers) out.emplace_back(p ? p : "");
    reclaim_strings(mem.get(), space.get(), pointers.data());
  } else {
    std::size_t size = H5Tget_size(type.get());
    DatatypeHandle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), size);
    H5Tset_cset(mem.get(), cset);
    H5T_str_t pad = H5Tget_strpad(type.get());
    H5Tset_strpad(mem.get(), pad);
    std::vector<char> buffer(size * static_cast<std::size_t>(n));
    if (src.read(mem.get(), buffer.data()) < 0) fail(w, "cannot read");
    for (hssize_t i = 0; i < n; ++i) {
      std::string_view s(buffer.data() + static_cast<std::size_t>(i) * size, size);
      s = s.substr(0, std::min(s.size(), s.find('\0')));
      if (pad == H5T_STR_SPACEPAD)
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      out.emplace_back(s);
    }
  }
  return out;
}

// Integers of any size and sign, or an enum over integers (h5py's bool), widened to 64 bits.
struct Integers {
  bool is_signed = true;
  std::vector<std::int64_t> s;
  std::vector<std::uint64_t> u;
  std::size_t size() const { return is_signed ? s.size() : u.size(); }
};

// One enum value of a base integer type read both as signed S and as unsigned U.
template <class S, class U>
void decode(const unsigned char* p, std::int64_t& sv, std::uint64_t& uv) {
  S a;
  U b;
  std::memcpy(&a, p, sizeof a);
  std::memcpy(&b, p, sizeof b);
  sv = a;
  uv = b;
}

Integers read_integers(const Source& src, const Where& w) {
  DatatypeHandle type = src.type();
  DataspaceHandle space = src.space();
  if (!type || !space) fail(w, "cannot open");
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail(w, "cannot get the size of");
  Integers out;
  H5T_class_t c = class_of(type.get());
  if (c == H5T_INTEGER) {
    out.is_signed = H5Tget_sign(type.get()) != H5T_SGN_NONE;
    if (out.is_signed)
      out.s.resize(static_cast<std::size_t>(n));
    else
      out.u.resize(static_cast<std::size_t>(n));
    if (n > 0 && src.read(out.is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64,
                          out.is_signed ? static_cast<void*>(out.s.data())
                                        : static_cast<void*>(out.u.data())) < 0)
      fail(w, "cannot read");
    return out;
  }
  if (c == H5T_ENUM) {
    // HDF5 cannot convert an enum to an integer; read it in native form and decode its base.
    DatatypeHandle mem(H5Tget_native_type(type.get(), H5T_DIR_DEFAULT));
    DatatypeHandle base(H5Tget_super(mem.get()));
    std::size_t size = H5Tget_size(base.get());
    out.is_signed = H5Tget_sign(base.get()) != H5T_SGN_NONE;
    std::vector<unsigned char> buffer(size * static_cast<std::size_t>(n));
    if (n > 0 && src.read(mem.get(), buffer.data()) < 0) fail(w, "cannot read");
    for (hssize_t i = 0; i < n; ++i) {
      const unsigned char* p = buffer.data() + static_cast<std::size_t>(i) * size;
      std::int64_t sv = 0;
      std::uint64_t uv = 0;
      switch (size) {
        case 1: decode<std::int8_t, std::uint8_t>(p, sv, uv); break;
        case 2: decode<std::int16_t, std::uint16_t>(p, sv, uv); break;
        case 4: decode<std::int32_t, std::uint32_t>(p, sv, uv); break;
        case 8: decode<std::int64_t, std::uint64_t>(p, sv, uv); break;
        default: fail(w, "cannot read", ": unsupported enum base size", false);
      }
      if (out.is_signed)
        out.s.push_back(sv);
      else
        out.u.push_back(uv);
    }
    return out;
  }
  fail(w, "cannot read", " as integers: it holds another type", false);
}

std::vector<std::int64_t> as_int64(const Integers& v, const Where& w) {
  if (v.is_signed) return v.s;
  std::vector<std::int64_t> out;
  out.reserve(v.u.size());
  for (std::uint64_t x : v.u) {
    if (x > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      fail(w, "cannot read", ": value " + std::to_string(x) + " does not fit in int64", false);
    out.push_back(static_cast<std::int64_t>(x));
  }
  return out;
}

std::vector<std::uint64_t> as_uint64(const Integers& v, const Where& w) {
  if (!v.is_signed) return v.u;
  std::vector<std::uint64_t> out;
  out.reserve(v.s.size());
  for (std::int64_t x : v.s) {
    if (x < 0)
      fail(w, "cannot read", ": value " + std::to_string(x) + " does not fit in uint64", false);
    out.push_back(static_cast<std::uint64_t>(x));
  }
  return out;
}

std::vector<double> read_doubles(const Source& src, const Where& w) {
  DatatypeHandle type = src.type();
  DataspaceHandle space = src.space();
  if (!type || !space) fail(w, "cannot open");
  if (class_of(type.get()) != H5T_FLOAT)
    fail(w, "cannot read", " as float64: it does not hold floating-point numbers", false);
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail(w, "cannot get the size of");
  std::vector<double> out(static_cast<std::size_t>(n));
  if (n > 0 && src.read(H5T_NATIVE_DOUBLE, out.data()) < 0) fail(w, "cannot read");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Attributes

void write_attribute(hid_t obj, std::string_view name, hid_t file_type, hid_t mem_type,
                     const hsize_t* count, const void* data) {
  quiet();
  std::string n(name);
  Where w{obj, "", "attribute '" + n + "' of"};
  if (n.empty()) fail(w, "cannot write", ": empty attribute name", false);
  htri_t e = H5Aexists(obj, n.c_str());
  if (e < 0) fail(w, "cannot look up");
  if (e > 0 && H5Adelete(obj, n.c_str()) < 0) fail(w, "cannot replace");
  DataspaceHandle space(count ? H5Screate_simple(1, count, nullptr) : H5Screate(H5S_SCALAR));
  if (!space) fail(w, "cannot create the dataspace of");
  AttributeHandle a(H5Acreate2(obj, n.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a) fail(w, "cannot create");
  if ((!count || *count > 0) && H5Awrite(a.get(), mem_type, data) < 0) fail(w, "cannot write");
}

struct OpenAttribute {
  AttributeHandle handle;
  Where where;
};

OpenAttribute open_attribute(hid_t obj, std::string_view name, std::string& storage) {
  quiet();
  storage.assign(name);
  Where w{obj, "", "attribute '" + storage + "' of"};
  htri_t e = H5Aexists(obj, storage.c_str());
  if (e < 0) fail(w, "cannot look up");
  if (e == 0) fail(w, "cannot read", ": no such attribute", false);
  AttributeHandle a(H5Aopen(obj, storage.c_str(), H5P_DEFAULT));
  if (!a) fail(w, "cannot open");
  return {std::move(a), std::move(w)};
}

template <class V>
auto only(const V& values, const Where& w) {
  if (values.size() != 1)
    fail(w, "cannot read", ": it holds " + std::to_string(values.size()) + " values, expected one",
         false);
  return values.front();
}

// ---------------------------------------------------------------------------------------------
// Arrays, matrices

template <class T>
void write_array_impl(hid_t loc, std::string_view path, std::span<const T> values,
                      const ArrayOptions& options) {
  quiet();
  Where w{loc, path, "dataset"};
  if (options.gzip < 0 || options.gzip > 9)
    fail(w, "cannot create", ": gzip level must be 0..9, got " + std::to_string(options.gzip),
         false);
  auto [parent, leaf] = parent_and_leaf(loc, path, "dataset");
  Layout layout;
  layout.dims = {values.size()};
  if (options.gzip > 0 && !values.empty()) {
    std::size_t chunk =
        options.chunk ? options.chunk : std::max<std::size_t>(1, (1u << 20) / sizeof(T));
    layout.chunk = {std::min<hsize_t>(values.size(), chunk)};
    layout.gzip = options.gzip;
    layout.shuffle = options.shuffle && sizeof(T) > 1;
  }
  DatasetHandle ds = create_dataset(parent.get(), leaf, stored_type<T>(), layout, w);
  if (values.empty()) return;
  if (H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    std::string reason = hdf5_reason();
    ds.reset();
    H5Ldelete(parent.get(), leaf.c_str(), H5P_DEFAULT);
    fail(w, "cannot write", reason.empty() ? "" : ": " + reason, false);
  }
}

void write_string_array(hid_t loc, std::string_view path, std::span<const std::string> values,
                        const ArrayOptions& options) {
  quiet();
  Where w{loc, path, "dataset"};
  if (options.gzip < 0 || options.gzip > 9)
    fail(w, "cannot create", ": gzip level must be 0..9, got " + std::to_string(options.gzip),
         false);
  std::vector<const char*> pointers = c_strings(values, w);
  auto [parent, leaf] = parent_and_leaf(loc, path, "dataset");
  Layout layout;
  layout.dims = {values.size()};
  if (options.gzip > 0 && !values.empty()) {
    std::size_t chunk = options.chunk ? options.chunk : 1u << 16;
    layout.chunk = {std::min<hsize_t>(values.size(), chunk)};
    layout.gzip = options.gzip;
  }
  DatatypeHandle type = string_type();
  DatasetHandle ds = create_dataset(parent.get(), leaf, type.get(), layout, w);
  if (values.empty()) return;
  if (H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) {
    std::string reason = hdf5_reason();
    ds.reset();
    H5Ldelete(parent.get(), leaf.c_str(), H5P_DEFAULT);
    fail(w, "cannot write", reason.empty() ? "" : ": " + reason, false);
  }
}

template <class T>
std::vector<T> read_array_impl(hid_t loc, std::string_view path) {
  quiet();
  Where w{loc, path, "dataset"};
  DatasetHandle ds = open_dataset_at(loc, path, w);
  std::vector<hsize_t> dims;
  return read_numeric<T>(ds.get(), 1, dims, w);
}

// Chunks of whole rows, about 128 KiB each, at most 1 MiB of one row.
template <class T>
std::vector<hsize_t> matrix_chunk(std::size_t cols) {
  std::size_t chunk_cols = std::min<std::size_t>(cols, (1u << 20) / sizeof(T));
  std::size_t chunk_rows = std::max<std::size_t>(1, (128u << 10) / (chunk_cols * sizeof(T)));
  return {chunk_rows, chunk_cols};
}

template <class T>
void check_matrix_input(std::span<const T> values, std::size_t cols, const Where& w,
                        std::string_view action) {
  if (cols == 0) fail(w, action, ": a matrix needs at least one column", false);
  if (values.size() % cols != 0)
    fail(w, action,
         ": " + std::to_string(values.size()) + " values are not whole rows of " +
             std::to_string(cols) + " columns",
         false);
}

template <class T>
void write_matrix_impl(hid_t loc, std::string_view path, std::span<const T> values,
                       std::size_t cols) {
  quiet();
  Where w{loc, path, "dataset"};
  check_matrix_input(values, cols, w, "cannot create");
  auto [parent, leaf] = parent_and_leaf(loc, path, "dataset");
  Layout layout;
  layout.dims = {values.size() / cols, cols};
  layout.extensible = true;
  layout.extensible_all = true;
  layout.chunk = matrix_chunk<T>(cols);
  layout.gzip = 4;
  layout.shuffle = true;
  DatasetHandle ds = create_dataset(parent.get(), leaf, stored_type<T>(), layout, w);
  if (values.empty()) return;
  if (H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    std::string reason = hdf5_reason();
    ds.reset();
    H5Ldelete(parent.get(), leaf.c_str(), H5P_DEFAULT);
    fail(w, "cannot write", reason.empty() ? "" : ": " + reason, false);
  }
}

// Error unless the dataset's stored type is exactly T's.
template <class T>
void check_stored_type(hid_t ds, const Where& w, std::string_view action) {
  DatatypeHandle type(H5Dget_type(ds));
  if (!type) fail(w, "cannot get the type of");
  bool same = false;
  if constexpr (std::is_same_v<T, std::string>) {
    same = class_of(type.get()) == H5T_STRING && H5Tis_variable_str(type.get()) > 0;
  } else {
    same = H5Tequal(type.get(), stored_type<T>()) > 0;
  }
  if (!same)
    fail(w, action, ": it holds " + describe_type(type.get()) + ", not " + type_name<T>(), false);
}

template <class T>
void append_rows_impl(hid_t loc, std::string_view path, std::span<const T> values,
                      std::size_t cols) {
  quiet();
  Where w{loc, path, "dataset"};
  check_matrix_input(values, cols, w, "cannot append to");
  if (!exists_at(loc, path)) return write_matrix_impl(loc, path, values, cols);
  DatasetHandle ds = open_dataset_at(loc, path, w);
  std::vector<hsize_t> dims = dims_of(ds.get(), w);
  if (dims.size() != 2) fail(w, "cannot append rows to", ": it is " + shape_text(dims), false);
  check_stored_type<T>(ds.get(), w, "cannot append rows to");
  if (cols > dims[1]) {
    // Wider rows: grow every row; HDF5 fills the new cells with zeros.
    DataspaceHandle space(H5Dget_space(ds.get()));
    hsize_t maxdims[2];
    H5Sget_simple_extent_dims(space.get(), nullptr, maxdims);
    if (maxdims[1] != H5S_UNLIMITED)
      fail(w, "cannot append rows to",
           ": it has " + std::to_string(dims[1]) + " fixed columns, the new rows " +
               std::to_string(cols),
           false);
    hsize_t wider[2] = {dims[0], cols};
    if (H5Dset_extent(ds.get(), wider) < 0) fail(w, "cannot widen");
    dims[1] = cols;
  }
  if (cols < dims[1]) {
    // Narrower rows: pad them with zeros to the matrix's width.
    std::vector<T> padded(values.size() / cols * dims[1], T{});
    for (std::size_t r = 0; r < values.size() / cols; ++r)
      std::copy_n(values.begin() + r * cols, cols, padded.begin() + r * dims[1]);
    append_raw(ds.get(), native_type<T>(), padded.data(), padded.size() / dims[1], w);
    return;
  }
  append_raw(ds.get(), native_type<T>(), values.data(), values.size() / cols, w);
}

template <class T>
Matrix<T> read_matrix_impl(hid_t loc, std::string_view path) {
  quiet();
  Where w{loc, path, "dataset"};
  DatasetHandle ds = open_dataset_at(loc, path, w);
  std::vector<hsize_t> dims;
  Matrix<T> m;
  m.values = read_numeric<T>(ds.get(), 2, dims, w);
  m.rows = dims[0];
  m.cols = dims[1];
  return m;
}

// ---------------------------------------------------------------------------------------------
// Tables

constexpr const char* kColumnsAttribute = "columns";

std::size_t column_size(const Column& c) {
  return std::visit([](const auto& v) { return v.size(); }, c);
}

// Column chunks of about 64 KiB.
template <class T>
hsize_t column_chunk() {
  if constexpr (std::is_same_v<T, std::string>)
    return 4096;
  else
    return (64u << 10) / sizeof(T);
}

template <class T>
void create_column(hid_t group, const std::string& name, const std::vector<T>& values,
                   const Where& w) {
  Layout layout;
  layout.dims = {values.size()};
  layout.extensible = true;
  layout.chunk = {column_chunk<T>()};
  layout.gzip = 4;
  if constexpr (std::is_same_v<T, std::string>) {
    std::vector<const char*> pointers = c_strings(values, w);
    DatatypeHandle type = string_type();
    DatasetHandle ds = create_dataset(group, name, type.get(), layout, w);
    if (!values.empty()) write_all(ds.get(), type.get(), pointers.data(), w);
  } else {
    layout.shuffle = sizeof(T) > 1;
    DatasetHandle ds = create_dataset(group, name, stored_type<T>(), layout, w);
    if (!values.empty()) write_all(ds.get(), native_type<T>(), values.data(), w);
  }
}

template <class T>
void append_column(hid_t ds, const std::vector<T>& values, const Where& w) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::vector<const char*> pointers = c_strings(values, w);
    DatatypeHandle type = string_type();
    append_raw(ds, type.get(), pointers.data(), values.size(), w);
  } else {
    append_raw(ds, native_type<T>(), values.data(), values.size(), w);
  }
}

std::size_t checked_rows(const Table& table, const Where& w, std::string_view action) {
  try {
    return table.rows();
  } catch (const Error& e) {
    fail(w, action, std::string(": ") + e.what(), false);
  }
}

// Column names of the table group: its "columns" attribute, else its datasets in creation order.
std::vector<std::string> table_columns(const Group& g) {
  if (g.has_attribute(kColumnsAttribute))
    return g.attribute<std::vector<std::string>>(kColumnsAttribute);
  std::vector<std::string> names;
  for (auto& child : g.children())
    if (g.is_dataset(child)) names.push_back(child);
  return names;
}

template <class T>
Column read_column(hid_t ds, const Where& w) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::vector<hsize_t> dims = dims_of(ds, w);
    if (dims.size() != 1)
      fail(w, "cannot read", " as a table column: it is " + shape_text(dims), false);
    return read_strings(Source{ds, false}, w);
  } else {
    std::vector<hsize_t> dims;
    return read_numeric<T>(ds, 1, dims, w);
  }
}

}  // namespace

// =============================================================================================
// Table

Table& Table::add(std::string name, Column values) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    throw Error("table column name '" + name +
                "' is not allowed (empty, '.', '..' or containing '/')");
  if (contains(name)) throw Error("table already has a column '" + name + "'");
  if (!columns_.empty() && column_size(values) != column_size(columns_.front()))
    throw Error("table column '" + name + "' has " + std::to_string(column_size(values)) +
                " rows, column '" + names_.front() + "' has " +
                std::to_string(column_size(columns_.front())));
  names_.push_back(std::move(name));
  columns_.push_back(std::move(values));
  return *this;
}

bool Table::contains(std::string_view name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

std::size_t Table::rows() const {
  if (columns_.empty()) return 0;
  std::size_t n = column_size(columns_.front());
  for (std::size_t i = 1; i < columns_.size(); ++i)
    if (column_size(columns_[i]) != n)
      throw Error("table column '" + names_[i] + "' has " +
                  std::to_string(column_size(columns_[i])) + " rows, column '" + names_.front() +
                  "' has " + std::to_string(n));
  return n;
}

const Column& Table::operator[](std::string_view name) const {
  auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) throw Error("table has no column '" + std::string(name) + "'");
  return columns_[static_cast<std::size_t>(it - names_.begin())];
}

Column& Table::operator[](std::string_view name) {
  return const_cast<Column&>(static_cast<const Table&>(*this)[name]);
}

// =============================================================================================
// Object

std::string Object::path() const { return name_of(id()); }
std::string Object::file_name() const { return file_of(id()); }

bool Object::has_attribute(std::string_view name) const {
  quiet();
  std::string n(name);
  htri_t e = H5Aexists(id(), n.c_str());
  if (e < 0) fail({id(), "", "attribute '" + n + "' of"}, "cannot look up");
  return e > 0;
}

std::vector<std::string> Object::attribute_names() const {
  quiet();
  std::vector<std::string> names;
  if (H5Aiterate2(
          id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
          [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
            static_cast<std::vector<std::string>*>(data)->emplace_back(name);
            return 0;
          },
          &names) < 0)
    fail({id(), "", "the attributes of"}, "cannot list");
  return names;
}

void Object::remove_attribute(std::string_view name) {
  quiet();
  std::string n(name);
  Where w{id(), "", "attribute '" + n + "' of"};
  if (!has_attribute(name)) fail(w, "cannot remove", ": no such attribute", false);
  if (H5Adelete(id(), n.c_str()) < 0) fail(w, "cannot remove");
}

void Object::set_attribute(std::string_view name, std::string_view value) {
  set_attribute(name, std::string(value));
}
void Object::set_attribute(std::string_view name, const char* value) {
  set_attribute(name, std::string(value));
}
void Object::set_attribute(std::string_view name, const std::string& value) {
  quiet();
  Where w{id(), "", "attribute '" + std::string(name) + "' of"};
  std::vector<const char*> p = c_strings(std::span<const std::string>(&value, 1), w);
  DatatypeHandle type = string_type();
  write_attribute(id(), name, type.get(), type.get(), nullptr, p.data());
}
void Object::set_attribute(std::string_view name, bool value) {
  std::int8_t v = value ? 1 : 0;
  DatatypeHandle type = bool_type();
  write_attribute(id(), name, type.get(), type.get(), nullptr, &v);
}
void Object::set_attribute(std::string_view name, int value) {
  set_attribute(name, static_cast<long long>(value));
}
void Object::set_attribute(std::string_view name, long value) {
  set_attribute(name, static_cast<long long>(value));
}
void Object::set_attribute(std::string_view name, long long value) {
  std::int64_t v = value;
  write_attribute(id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, nullptr, &v);
}
void Object::set_attribute(std::string_view name, unsigned value) {
  set_attribute(name, static_cast<unsigned long long>(value));
}
void Object::set_attribute(std::string_view name, unsigned long value) {
  set_attribute(name, static_cast<unsigned long long>(value));
}
void Object::set_attribute(std::string_view name, unsigned long long value) {
  std::uint64_t v = value;
  write_attribute(id(), name, H5T_STD_U64LE, H5T_NATIVE_UINT64, nullptr, &v);
}
void Object::set_attribute(std::string_view name, double value) {
  write_attribute(id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr, &value);
}
void Object::set_attribute(std::string_view name, std::span<const double> values) {
  hsize_t n = values.size();
  write_attribute(id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &n, values.data());
}
void Object::set_attribute(std::string_view name, std::span<const std::int64_t> values) {
  hsize_t n = values.size();
  write_attribute(id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, &n, values.data());
}
void Object::set_attribute(std::string_view name, std::span<const std::string> values) {
  quiet();
  Where w{id(), "", "attribute '" + std::string(name) + "' of"};
  std::vector<const char*> p = c_strings(values, w);
  DatatypeHandle type = string_type();
  hsize_t n = values.size();
  write_attribute(id(), name, type.get(), type.get(), &n, p.data());
}

template <>
std::vector<std::string> Object::attribute<std::vector<std::string>>(std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  return read_strings(Source{a.handle.get(), true}, a.where);
}
template <>
std::string Object::attribute<std::string>(std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  return only(read_strings(Source{a.handle.get(), true}, a.where), a.where);
}
template <>
std::vector<std::int64_t> Object::attribute<std::vector<std::int64_t>>(
    std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  return as_int64(read_integers(Source{a.handle.get(), true}, a.where), a.where);
}
template <>
std::int64_t Object::attribute<std::int64_t>(std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  return only(as_int64(read_integers(Source{a.handle.get(), true}, a.where), a.where), a.where);
}
template <>
std::uint64_t Object::attribute<std::uint64_t>(std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  return only(as_uint64(read_integers(Source{a.handle.get(), true}, a.where), a.where), a.where);
}
template <>
bool Object::attribute<bool>(std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  std::int64_t v =
      only(as_int64(read_integers(Source{a.handle.get(), true}, a.where), a.where), a.where);
  if (v != 0 && v != 1)
    fail(a.where, "cannot read", " as bool: value " + std::to_string(v) + " is not 0 or 1", false);
  return v == 1;
}
template <>
std::vector<double> Object::attribute<std::vector<double>>(std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  return read_doubles(Source{a.handle.get(), true}, a.where);
}
template <>
double Object::attribute<double>(std::string_view name) const {
  std::string n;
  OpenAttribute a = open_attribute(id(), name, n);
  return only(read_doubles(Source{a.handle.get(), true}, a.where), a.where);
}

// =============================================================================================
// Dataset

std::vector<hsize_t> Dataset::shape() const {
  quiet();
  return dims_of(id(), {id(), "", "dataset"});
}

void Dataset::make_scale(std::string_view name) {
  quiet();
  std::string n(name);
  if (H5DSset_scale(id(), n.c_str()) < 0)
    fail({id(), "", "dataset"}, "cannot make a dimension scale '" + n + "' of");
}

void Dataset::attach_scale(const Dataset& scale, unsigned dim) {
  quiet();
  htri_t attached = H5DSis_attached(id(), scale.id(), dim);
  if (attached < 0)
    fail({id(), "", "dataset"}, "cannot inspect the dimension scales of");
  if (attached > 0) return;
  if (H5DSattach_scale(id(), scale.id(), dim) < 0)
    fail({id(), "", "dataset"},
         "cannot attach the dimension scale '" + scale.path() + "' to dimension " + std::to_string(dim) + " of");
}

bool Dataset::is_scale() const {
  quiet();
  htri_t s = H5DSis_scale(id());
  if (s < 0) fail({id(), "", "dataset"}, "cannot inspect");
  return s > 0;
}

// =============================================================================================
// Group

Group Group::create_group(std::string_view path) {
  quiet();
  return Group(require_group_at(id(), path, true));
}

Group Group::require_group(std::string_view path) {
  quiet();
  return Group(require_group_at(id(), path, false));
}

Group Group::open_group(std::string_view path) const {
  quiet();
  std::string p(path.empty() ? "." : path);
  Where w{id(), path, "group"};
  ObjectHandle h(H5Oopen(id(), p.c_str(), H5P_DEFAULT));
  if (!h) fail(w, "cannot open");
  if (H5Iget_type(h.get()) != H5I_GROUP) fail(w, "cannot open", ": it is not a group", false);
  return Group(std::move(h));
}

Dataset Group::open_dataset(std::string_view path) const {
  quiet();
  std::string p(path);
  Where w{id(), path, "dataset"};
  ObjectHandle h(H5Oopen(id(), p.c_str(), H5P_DEFAULT));
  if (!h) fail(w, "cannot open");
  if (H5Iget_type(h.get()) != H5I_DATASET) fail(w, "cannot open", ": it is not a dataset", false);
  return Dataset(std::move(h));
}

bool Group::exists(std::string_view path) const {
  quiet();
  return exists_at(id(), path);
}

bool Group::is_group(std::string_view path) const {
  quiet();
  if (!exists_at(id(), path)) return false;
  std::string p(path.empty() ? "." : path);
  return kind_at(id(), p.c_str()) == H5I_GROUP;
}

bool Group::is_dataset(std::string_view path) const {
  quiet();
  if (!exists_at(id(), path)) return false;
  std::string p(path);
  return kind_at(id(), p.c_str()) == H5I_DATASET;
}

namespace {

// Reads whole (attribute or dataset) in its own type and hands the buffer to `write`; variable-length
// data (strings) is reclaimed afterwards.
template <class Read, class Write>
void transfer(hid_t type, hid_t space, Read&& read, Write&& write) {
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  const std::size_t size = H5Tget_size(type);
  if (n < 0 || size == 0) throw Error("cannot copy: unreadable shape or type");
  std::vector<unsigned char> buffer(std::max<std::size_t>(1, std::size_t(n) * size));
  if (read(buffer.data()) < 0) throw Error("cannot copy: read failed");
  const bool variable = H5Tdetect_class(type, H5T_VLEN) > 0 || H5Tis_variable_str(type) > 0;
  const herr_t written = write(buffer.data());
  if (variable) H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer.data());
  if (written < 0) throw Error("cannot copy: write failed");
}

void copy_attributes(hid_t from, hid_t to) {
  H5O_info_t info;
  if (H5Oget_info2(from, &info, H5O_INFO_NUM_ATTRS) < 0) throw Error("cannot copy: attributes unreadable");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    AttributeHandle a(H5Aopen_by_idx(from, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
    if (!a) throw Error("cannot copy: attribute unreadable");
    const ssize_t len = H5Aget_name(a.get(), 0, nullptr);
    std::string name(std::size_t(std::max<ssize_t>(len, 0)), '\0');
    H5Aget_name(a.get(), name.size() + 1, name.data());
    DatatypeHandle type(H5Aget_type(a.get()));
    DataspaceHandle space(H5Aget_space(a.get()));
    if (!type || !space) throw Error("cannot copy attribute " + name);
    AttributeHandle b(H5Acreate2(to, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!b) throw Error("cannot create attribute " + name);
    transfer(
        type.get(), space.get(), [&](void* buf) { return H5Aread(a.get(), type.get(), buf); },
        [&](const void* buf) { return H5Awrite(b.get(), type.get(), buf); });
  }
}

// Copies object `from` (a group with everything below it, or a dataset) to a new link `name`
// below `to_parent`, with its attributes, types, shapes and storage (chunks, filters) but without
// H5Ocopy: HDF5 1.10.8's H5Ocopy crashes (H5T_close_real) when a write fails during the copy.
void copy_tree(hid_t from, hid_t to_parent, const std::string& name) {
  H5O_info_t info;
  if (H5Oget_info2(from, &info, H5O_INFO_BASIC) < 0) throw Error("cannot copy: object unreadable");
  if (info.type == H5O_TYPE_GROUP) {
    PropertyListHandle gcpl(H5Pcreate(H5P_GROUP_CREATE));
    H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    GroupHandle g(H5Gcreate2(to_parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
    if (!g) throw Error("cannot create group " + name);
    copy_attributes(from, g.get());
    PropertyListHandle src_gcpl(H5Gget_create_plist(from));
    unsigned order = 0;
    H5Pget_link_creation_order(src_gcpl.get(), &order);
    std::vector<std::string> names;
    if (H5Literate(
            from, (order & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, nullptr,
            [](hid_t, const char* n, const H5L_info_t*, void* data) -> herr_t {
              static_cast<std::vector<std::string>*>(data)->emplace_back(n);
              return 0;
            },
            &names) < 0)
      throw Error("cannot list group " + name);
    for (const std::string& n : names) {
      ObjectHandle child(H5Oopen(from, n.c_str(), H5P_DEFAULT));
      if (!child) throw Error("cannot open " + n);
      copy_tree(child.get(), g.get(), n);
    }
    return;
  }
  if (info.type != H5O_TYPE_DATASET) throw Error("cannot copy " + name + ": neither a group nor a dataset");
  DatatypeHandle type(H5Dget_type(from));
  DataspaceHandle space(H5Dget_space(from));
  PropertyListHandle dcpl(H5Dget_create_plist(from));
  if (!type || !space || !dcpl) throw Error("cannot copy dataset " + name);
  DatasetHandle d(H5Dcreate2(to_parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  if (!d) throw Error("cannot create dataset " + name);
  if (H5Sget_simple_extent_npoints(space.get()) > 0)
    transfer(
        type.get(), space.get(),
        [&](void* buf) { return H5Dread(from, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); },
        [&](const void* buf) { return H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
  copy_attributes(from, d.get());
}

// Reads every attribute and dataset below obj in the native form of its type (the conversions the
// readers use, so a damaged global heap of strings is met here).
void read_tree(hid_t obj) {
  H5O_info_t info;
  if (H5Oget_info2(obj, &info, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS) < 0) throw Error("object unreadable");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    AttributeHandle a(H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
    DatatypeHandle stored(a ? H5Aget_type(a.get()) : H5I_INVALID_HID);
    DatatypeHandle type(stored ? H5Tget_native_type(stored.get(), H5T_DIR_DEFAULT) : H5I_INVALID_HID);
    DataspaceHandle space(a ? H5Aget_space(a.get()) : H5I_INVALID_HID);
    if (!a || !type || !space) throw Error("attribute unreadable");
    transfer(
        type.get(), space.get(), [&](void* buf) { return H5Aread(a.get(), type.get(), buf); },
        [](const void*) { return herr_t(0); });
  }
  if (info.type == H5O_TYPE_DATASET) {
    DatatypeHandle stored(H5Dget_type(obj));
    DatatypeHandle type(stored ? H5Tget_native_type(stored.get(), H5T_DIR_DEFAULT) : H5I_INVALID_HID);
    DataspaceHandle space(H5Dget_space(obj));
    if (!type || !space) throw Error("dataset unreadable");
    if (H5Sget_simple_extent_npoints(space.get()) > 0)
      transfer(
          type.get(), space.get(),
          [&](void* buf) { return H5Dread(obj, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); },
          [](const void*) { return herr_t(0); });
    return;
  }
  if (info.type != H5O_TYPE_GROUP) return;
  std::vector<std::string> names;
  if (H5Literate(
          obj, H5_INDEX_NAME, H5_ITER_INC, nullptr,
          [](hid_t, const char* n, const H5L_info_t*, void* data) -> herr_t {
            static_cast<std::vector<std::string>*>(data)->emplace_back(n);
            return 0;
          },
          &names) < 0)
    throw Error("group unreadable");
  for (const std::string& n : names) {
    ObjectHandle child(H5Oopen(obj, n.c_str(), H5P_DEFAULT));
    if (!child) throw Error("cannot open " + n);
    read_tree(child.get());
  }
}

}  // namespace

void Group::read_everything() const {
  quiet();
  try {
    read_tree(id());
  } catch (const Error& e) {
    fail({id(), "", "group"}, "cannot read", std::string(": ") + e.what());
  }
}

void Group::copy_from(const Group& source, std::string_view source_path, std::string_view path) {
  quiet();
  Where w{id(), path, "object"};
  if (exists_at(id(), path)) fail(w, "cannot copy into", ": it already exists", false);
  std::string sp(source_path), dp(path);
  const auto slash = dp.rfind('/');
  if (slash != std::string::npos && slash > 0) require_group_at(id(), dp.substr(0, slash), false);
  ObjectHandle from(H5Oopen(source.id(), sp.c_str(), H5P_DEFAULT));
  if (!from) fail(w, "cannot copy '" + sp + "' from '" + source.file_name() + "' into");
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : dp.substr(0, slash);
  ObjectHandle to(H5Oopen(id(), parent.c_str(), H5P_DEFAULT));
  if (!to) fail(w, "cannot copy into");
  try {
    copy_tree(from.get(), to.get(), dp.substr(slash == std::string::npos ? 0 : slash + 1));
  } catch (const Error& e) {
    fail(w, "cannot copy '" + sp + "' from '" + source.file_name() + "' into", std::string(" (") + e.what() + ")");
  }
}

std::vector<std::string> Group::children() const {
  quiet();
  Where w{id(), "", "group"};
  PropertyListHandle gcpl(H5Gget_create_plist(id()));
  if (!gcpl) fail(w, "cannot list the members of");
  unsigned order = 0;
  if (H5Pget_link_creation_order(gcpl.get(), &order) < 0) fail(w, "cannot list the members of");
  H5_index_t index = (order & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  if (H5Literate(
          id(), index, H5_ITER_INC, nullptr,
          [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
            static_cast<std::vector<std::string>*>(data)->emplace_back(name);
            return 0;
          },
          &names) < 0)
    fail(w, "cannot list the members of");
  return names;
}

void Group::remove(std::string_view path) {
  quiet();
  std::string p(path);
  if (H5Ldelete(id(), p.c_str(), H5P_DEFAULT) < 0) fail({id(), path, "object"}, "cannot remove");
}

void Group::write_array(std::string_view path, std::span<const double> values,
                        const ArrayOptions& options) {
  write_array_impl(id(), path, values, options);
}
void Group::write_array(std::string_view path, std::span<const std::int64_t> values,
                        const ArrayOptions& options) {
  write_array_impl(id(), path, values, options);
}
void Group::write_array(std::string_view path, std::span<const std::uint64_t> values,
                        const ArrayOptions& options) {
  write_array_impl(id(), path, values, options);
}
void Group::write_array(std::string_view path, std::span<const std::int32_t> values,
                        const ArrayOptions& options) {
  write_array_impl(id(), path, values, options);
}
void Group::write_array(std::string_view path, std::span<const std::uint32_t> values,
                        const ArrayOptions& options) {
  write_array_impl(id(), path, values, options);
}
void Group::write_array(std::string_view path, std::span<const std::uint8_t> values,
                        const ArrayOptions& options) {
  write_array_impl(id(), path, values, options);
}
void Group::write_array(std::string_view path, std::span<const std::string> values,
                        const ArrayOptions& options) {
  write_string_array(id(), path, values, options);
}

template <>
std::vector<double> Group::read_array<double>(std::string_view path) const {
  return read_array_impl<double>(id(), path);
}
template <>
std::vector<std::int64_t> Group::read_array<std::int64_t>(std::string_view path) const {
  return read_array_impl<std::int64_t>(id(), path);
}
template <>
std::vector<std::uint64_t> Group::read_array<std::uint64_t>(std::string_view path) const {
  return read_array_impl<std::uint64_t>(id(), path);
}
template <>
std::vector<std::int32_t> Group::read_array<std::int32_t>(std::string_view path) const {
  return read_array_impl<std::int32_t>(id(), path);
}
template <>
std::vector<std::uint32_t> Group::read_array<std::uint32_t>(std::string_view path) const {
  return read_array_impl<std::uint32_t>(id(), path);
}
template <>
std::vector<std::uint8_t> Group::read_array<std::uint8_t>(std::string_view path) const {
  return read_array_impl<std::uint8_t>(id(), path);
}
template <>
std::vector<std::string> Group::read_array<std::string>(std::string_view path) const {
  quiet();
  Where w{id(), path, "dataset"};
  DatasetHandle ds = open_dataset_at(id(), path, w);
  std::vector<hsize_t> dims = dims_of(ds.get(), w);
  if (dims.size() != 1) fail(w, "cannot read", " as 1-D: it is " + shape_text(dims), false);
  return read_strings(Source{ds.get(), false}, w);
}

void Group::write_matrix(std::string_view path, std::span<const double> values, std::size_t cols) {
  write_matrix_impl(id(), path, values, cols);
}
void Group::write_matrix(std::string_view path, std::span<const std::int64_t> values,
                         std::size_t cols) {
  write_matrix_impl(id(), path, values, cols);
}
void Group::write_matrix(std::string_view path, std::span<const std::uint32_t> values,
                         std::size_t cols) {
  write_matrix_impl(id(), path, values, cols);
}
void Group::append_rows(std::string_view path, std::span<const double> values, std::size_t cols) {
  append_rows_impl(id(), path, values, cols);
}
void Group::append_rows(std::string_view path, std::span<const std::int64_t> values,
                        std::size_t cols) {
  append_rows_impl(id(), path, values, cols);
}
void Group::append_rows(std::string_view path, std::span<const std::uint32_t> values,
                        std::size_t cols) {
  append_rows_impl(id(), path, values, cols);
}

template <>
Matrix<double> Group::read_matrix<double>(std::string_view path) const {
  return read_matrix_impl<double>(id(), path);
}
template <>
Matrix<std::int64_t> Group::read_matrix<std::int64_t>(std::string_view path) const {
  return read_matrix_impl<std::int64_t>(id(), path);
}
template <>
Matrix<std::uint32_t> Group::read_matrix<std::uint32_t>(std::string_view path) const {
  return read_matrix_impl<std::uint32_t>(id(), path);
}

void Group::write_table(std::string_view path, const Table& table) {
  quiet();
  Where w{id(), path, "table"};
  checked_rows(table, w, "cannot write");
  if (exists_at(id(), path)) fail(w, "cannot create", ": it already exists", false);
  Group g = create_group(path);
  try {
    for (const std::string& name : table.names()) {
      std::string column_path = join(path, name);
      Where cw{id(), column_path, "table column"};
      std::visit([&](const auto& values) { create_column(g.id(), name, values, cw); }, table[name]);
    }
    g.set_attribute(kColumnsAttribute, std::span<const std::string>(table.names()));
  } catch (...) {
    std::string p(path);
    H5Ldelete(id(), p.c_str(), H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    throw;
  }
}

void Group::append_table(std::string_view path, const Table& table) {
  quiet();
  Where w{id(), path, "table"};
  std::size_t rows = checked_rows(table, w, "cannot append to");
  if (!exists_at(id(), path)) return write_table(path, table);
  Group g = open_group(path);
  std::vector<std::string> stored = table_columns(g);
  std::string missing, extra;
  for (const auto& name : stored)
    if (!table.contains(name)) missing += (missing.empty() ? "" : ", ") + name;
  for (const auto& name : table.names())
    if (std::find(stored.begin(), stored.end(), name) == stored.end())
      extra += (extra.empty() ? "" : ", ") + name;
  if (!missing.empty() || !extra.empty())
    fail(w, "cannot append to",
         ": the columns differ" + (missing.empty() ? "" : "; the rows lack " + missing) +
             (extra.empty() ? "" : "; the table has no " + extra),
         false);

  // Open every column and check type and length before changing anything.
  std::vector<DatasetHandle> datasets;
  std::vector<std::string> column_paths;
  hsize_t length = 0;
  for (std::size_t i = 0; i < table.names().size(); ++i) {
    const std::string& name = table.names()[i];
    column_paths.push_back(join(path, name));
    Where cw{id(), column_paths.back(), "table column"};
    DatasetHandle ds = open_dataset_at(g.id(), name, cw);
    std::vector<hsize_t> dims = dims_of(ds.get(), cw);
    if (dims.size() != 1) fail(cw, "cannot append to", ": it is " + shape_text(dims), false);
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          check_stored_type<T>(ds.get(), cw, "cannot append to");
        },
        table[name]);
    if (i == 0)
      length = dims[0];
    else if (dims[0] != length)
      fail(cw, "cannot append to",
           ": it has " + std::to_string(dims[0]) + " rows, column '" + table.names()[0] + "' has " +
               std::to_string(length),
           false);
    datasets.push_back(std::move(ds));
  }
  if (rows == 0) return;
  std::size_t done = 0;
  try {
    for (; done < datasets.size(); ++done) {
      Where cw{id(), column_paths[done], "table column"};
      std::visit([&](const auto& values) { append_column(datasets[done].get(), values, cw); },
                 table[table.names()[done]]);
    }
  } catch (...) {
    // Shrink the columns already extended so that the table stays rectangular.
    for (std::size_t i = 0; i < done; ++i) H5Dset_extent(datasets[i].get(), &length);
    H5Eclear2(H5E_DEFAULT);
    throw;
  }
}

Table Group::read_table(std::string_view path) const {
  quiet();
  Where w{id(), path, "table"};
  if (!is_group(path))
    fail(w, "cannot read", exists_at(id(), path) ? ": it is not a group" : ": no such table",
         false);
  Group g = open_group(path);
  Table table;
  for (const std::string& name : table_columns(g)) {
    std::string column_path = join(path, name);
    Where cw{id(), column_path, "table column"};
    DatasetHandle ds = open_dataset_at(g.id(), name, cw);
    DatatypeHandle type(H5Dget_type(ds.get()));
    if (!type) fail(cw, "cannot get the type of");
    Column column;
    H5T_class_t c = class_of(type.get());
    std::size_t size = H5Tget_size(type.get());
    bool is_signed = c == H5T_INTEGER && H5Tget_sign(type.get()) != H5T_SGN_NONE;
    if (c == H5T_INTEGER && is_signed) {
      column = size <= 4 ? read_column<std::int32_t>(ds.get(), cw)
                         : read_column<std::int64_t>(ds.get(), cw);
    } else if (c == H5T_INTEGER) {
      column = size == 1   ? read_column<std::uint8_t>(ds.get(), cw)
               : size == 2 ? read_column<std::int32_t>(ds.get(), cw)
               : size == 4 ? read_column<std::int64_t>(ds.get(), cw)
                           : read_column<std::uint64_t>(ds.get(), cw);
    } else if (c == H5T_FLOAT) {
      column = read_column<double>(ds.get(), cw);
    } else if (c == H5T_STRING) {
      column = read_column<std::string>(ds.get(), cw);
    } else {
      fail(cw, "cannot read", ": unsupported column type (not integer, float or string)", false);
    }
    try {
      table.add(name, std::move(column));
    } catch (const Error& e) {
      fail(w, "cannot read", std::string(": ") + e.what(), false);
    }
  }
  return table;
}

// =============================================================================================
// File

namespace {

PropertyListHandle file_access() {
  PropertyListHandle fapl(H5Pcreate(H5P_FILE_ACCESS));
  // 1.8 object format: readable by every HDF5 >= 1.8, dense storage for large attributes.
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18);
  // Objects still open keep the file open (HighFive's behaviour); nothing dangles.
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_WEAK);
#if H5_VERSION_GE(1, 10, 7)
  // Use file locks where the file system has them; do not fail where it has not (NFS, Lustre).
  H5Pset_file_locking(fapl.get(), true, true);
#endif
  return fapl;
}

[[noreturn]] void fail_file(std::string_view action, const std::string& name,
                            std::string_view detail) {
  std::string reason = hdf5_reason();
  std::string message = std::string(action) + " HDF5 file '" + name + "'" + std::string(detail);
  if (!reason.empty()) message += ": " + reason;
  throw Error(message);
}

}  // namespace

File File::create(const std::filesystem::path& name, IfExists if_exists) {
  quiet();
  std::string n = name.string();
  std::error_code ec;
  if (if_exists == IfExists::Fail && std::filesystem::exists(name, ec))
    throw Error("cannot create HDF5 file '" + n +
                "': it already exists (use IfExists::Truncate to replace it)");
  PropertyListHandle fapl = file_access();
  PropertyListHandle fcpl(H5Pcreate(H5P_FILE_CREATE));
  H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  unsigned flags = if_exists == IfExists::Fail ? H5F_ACC_EXCL : H5F_ACC_TRUNC;
  forget_lost_writes(n);  // a new file: what was lost writing an earlier one of this name is gone
  FileHandle file(H5Fcreate(n.c_str(), flags, fcpl.get(), fapl.get()));
  if (!file) fail_file("cannot create", n, "");
  ObjectHandle root(H5Oopen(file.get(), "/", H5P_DEFAULT));
  if (!root) fail_file("cannot open the root group of", n, "");
  return File(std::move(file), std::move(root), Mode::ReadWrite);
}

File File::open(const std::filesystem::path& name, Mode mode) {
  quiet();
  std::string n = name.string();
  std::error_code ec;
  if (!std::filesystem::exists(name, ec))
    throw Error("cannot open HDF5 file '" + n + "': no such file");
  if (!std::filesystem::is_regular_file(name, ec))  // a FIFO or device would block or never end
    throw Error("cannot open HDF5 file '" + n + "': it is not a regular file");
  PropertyListHandle fapl = file_access();
  unsigned flags = mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR;
  FileHandle file(H5Fopen(n.c_str(), flags, fapl.get()));
  if (!file) fail_file("cannot open", n, mode == Mode::ReadOnly ? " for reading" : " for writing");
  ObjectHandle root(H5Oopen(file.get(), "/", H5P_DEFAULT));
  if (!root) fail_file("cannot open the root group of", n, "");
  return File(std::move(file), std::move(root), mode);
}

void File::flush() {
  quiet();
  const std::string n = file_name();
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) fail_file("cannot flush", n, "");
  if (const std::string lost = lost_write(n); !lost.empty())
    throw Error("cannot write HDF5 file '" + n + "': " + lost);
}

void File::close() {
  quiet();
  if (!file_) return;
  std::string n = file_name();
  handle_.reset();
  if (H5Fclose(file_.release()) < 0) fail_file("cannot close", n, "");
  if (const std::string lost = lost_write(n); !lost.empty())
    throw Error("cannot write HDF5 file '" + n + "': " + lost);
}

}  // namespace nanoreach::io::h5
