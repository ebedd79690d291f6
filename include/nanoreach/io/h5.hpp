// HDF5 files for nanoreach: RAII handles over the HDF5 C API, attributes, 1-D arrays, extensible
// 2-D datasets and columnar tables. It knows nothing of the science; the experiment layer decides
// the layout. Style after HighFive's examples (File / Group / Dataset objects, errors as
// exceptions) without its template-traits machinery: every supported element type is spelled out.
//
// Invariants and conventions
// - Every HDF5 id lives in a Handle that closes it on destruction; handles move, never copy.
//   HDF5's automatic error printing is switched off (per thread, HDF5 is a thread-safe build) and
//   every failure becomes nanoreach::Error naming the file and the object path, plus HDF5's reason.
// - Files use the HDF5 1.8 object format (libver bounds v18..v18): readable by any HDF5 >= 1.8 and
//   h5py, and large attributes go to dense storage. File locking failures on file systems that do
//   not support locks (NFS, Lustre) are ignored.
// - Groups we create track and index link creation order, so children() and h5py's `for k in g`
//   list members in the order they were written (h5py honours it, tested).
// - Paths are relative to the group they are given to, or absolute ("/curves/nano"). Writers create
//   missing parent groups. Nothing is ever silently replaced: writing over an existing object is an
//   Error; remove() it first.
// - Strings are variable-length UTF-8 (H5T_C_S1, H5T_VARIABLE, H5T_CSET_UTF8), NUL-terminated, so a
//   string may not contain '\0' (Error). h5py 3.7 reads string ATTRIBUTES as Python str (arrays as
//   numpy object arrays of str) but string DATASETS as bytes: use `ds.asstr()[()]` for str (see
//   the pandas recipe below). Reading also accepts fixed-length strings written by other tools.
// - bool is stored the way h5py stores numpy bool: an HDF5 enum over int8 with FALSE=0, TRUE=1.
//   h5py reads it as numpy.bool_ (so `bool(x)`, `x == True` work; h5dump prints TRUE/FALSE).
//   attribute<bool> also accepts an integer 0/1; attribute<std::int64_t> accepts the enum.
// - Reading converts only within a class (integer to integer, float to float) and fails on
//   overflow (e.g. reading -1 as uint32); integer data is never read as double or vice versa.
//
// Layouts
// - 1-D array: contiguous and uncompressed by default, which writes at disk speed. Measured on the
//   dev VM (2 cores), 100M uint32 = 400 MB (tests/io/test_h5.cpp "[benchmark]"): contiguous
//   0.1-1.1 s, exactly what fwrite of the same bytes takes (page-cache state decides), +0.2 s sync.
//   ArrayOptions{.gzip = 1} (chunked ~1 MiB, shuffle + deflate 1) is opt-in: 0.8-0.9 s and 4 MB for
//   sorted, CSR-offset-like data, but 7-9 s and 292 MB (73%) for random ids; plain gzip 1 without
//   shuffle is worse (12 s, 86%). Use it for sorted arrays, not for neighbour ids.
// - 2-D matrix: chunked (about 128 KiB chunks of whole rows), shuffle + gzip 4, unlimited rows.
// - Table: a group whose members are 1-D datasets of equal length, one per column, each chunked
//   (about 64 KiB chunks), shuffle + gzip level 4, unlimited length; the group's attribute
//   "columns" (array of strings) records the column order. Reading it in Python:
//       g = f["/curves/nano"]
//       df = pd.DataFrame({k: g[k][()] for k in g})        # strings arrive as bytes
//       col = lambda d: d.asstr()[()] if h5py.check_string_dtype(d.dtype) else d[()]
//       df = pd.DataFrame({k: col(g[k]) for k in g.attrs["columns"]})  # strings as str
//   (`for k in g` already yields creation order, which is the column order.)
// - Checkpointing a table point by point: keep one File open for the whole sweep and call
//   append_table() + flush() per point (measured: 2000 one-row appends to a 6-column table with a
//   string column, ~5 ms each, 125 KB file). Re-opening the file for every append also works but
//   wastes space: every HDF5 session that writes variable-length strings starts a new global-heap
//   collection (~3.5 KB), and freed chunk space is not reused across sessions (same 2000 appends:
//   27.6 MB; without the string column ~70 bytes per column per re-open). `h5repack` reclaims it.
//
// Lifetime: a Group or Dataset keeps its file open (HDF5's weak close degree); the file is really
// closed when the File and every object obtained from it are gone. Close them before another
// process (e.g. h5py) opens the file: HDF5 locks open files.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "nanoreach/error.hpp"

namespace nanoreach::io::h5 {

// ---------------------------------------------------------------------------------------------
// Handles

// Owns one HDF5 id and closes it with Close on destruction. Move-only. Predefined ids
// (H5T_NATIVE_DOUBLE, H5P_DEFAULT, ...) must never be put in a Handle.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() noexcept = default;
  explicit Handle(hid_t id) noexcept : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  // Gives up ownership without closing.
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  // Closes now (errors on close are ignored: a destructor cannot report them).
  void reset() noexcept {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using FileHandle = Handle<H5Fclose>;
using GroupHandle = Handle<H5Gclose>;
using DatasetHandle = Handle<H5Dclose>;
using DataspaceHandle = Handle<H5Sclose>;
using DatatypeHandle = Handle<H5Tclose>;
using AttributeHandle = Handle<H5Aclose>;
using PropertyListHandle = Handle<H5Pclose>;
// A group, dataset or named datatype (H5Oclose closes any of them).
using ObjectHandle = Handle<H5Oclose>;

// ---------------------------------------------------------------------------------------------
// Value types

// A row-major matrix: element (r, c) is values[r * cols + c].
template <class T>
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<T> values;

  Matrix() = default;
  Matrix(std::size_t rows_, std::size_t cols_, T fill = T{})
      : rows(rows_), cols(cols_), values(rows_ * cols_, fill) {}
  T& operator()(std::size_t r, std::size_t c) { return values[r * cols + c]; }
  const T& operator()(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
  bool operator==(const Matrix&) const = default;
};

// One column of a Table.
using Column =
    std::variant<std::vector<std::int64_t>, std::vector<std::uint64_t>, std::vector<std::int32_t>,
                 std::vector<std::uint8_t>, std::vector<double>, std::vector<std::string>>;

// Ordered, named columns of equal length. Column names are non-empty, unique, without '/' and not
// "." or "..". Lengths are checked when a column is added and again (rows()) before writing, since
// column<T>() hands out mutable vectors.
class Table {
 public:
  // Appends a column; Error if the name is invalid or taken, or its length differs from the others.
  Table& add(std::string name, Column values);
  bool contains(std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }
  std::size_t num_columns() const { return names_.size(); }
  // Row count; Error if the columns' lengths differ. 0 for a table without columns.
  std::size_t rows() const;
  const Column& operator[](std::string_view name) const;  // Error if missing
  Column& operator[](std::string_view name);

  // The column as std::vector<T>; Error if missing or of another type.
  template <class T>
  std::vector<T>& column(std::string_view name) {
    auto* v = std::get_if<std::vector<T>>(&(*this)[name]);
    if (!v) throw Error("table column '" + std::string(name) + "' has another type");
    return *v;
  }
  template <class T>
  const std::vector<T>& column(std::string_view name) const {
    auto* v = std::get_if<std::vector<T>>(&(*this)[name]);
    if (!v) throw Error("table column '" + std::string(name) + "' has another type");
    return *v;
  }

  bool operator==(const Table&) const = default;

 private:
  std::vector<std::string> names_;
  std::vector<Column> columns_;
};

// How write_array stores a 1-D array.
struct ArrayOptions {
  int gzip = 0;           // 0: contiguous, uncompressed (fastest); 1..9: chunked + deflate level
  bool shuffle = true;    // with gzip: byte-shuffle filter first (numbers only; helps integers)
  std::size_t chunk = 0;  // with gzip: elements per chunk; 0 picks about 1 MiB
};

enum class Mode { ReadOnly, ReadWrite };
enum class IfExists { Fail, Truncate };

// ---------------------------------------------------------------------------------------------
// Objects

// A group, dataset or a file's root group: something that carries attributes.
class Object {
 public:
  Object() = default;
  explicit Object(ObjectHandle handle) : handle_(std::move(handle)) {}

  hid_t id() const noexcept { return handle_.get(); }
  bool valid() const noexcept { return handle_.valid(); }
  std::string path() const;       // HDF5 path in the file, e.g. "/curves/nano"
  std::string file_name() const;  // the file's name as it was opened

  bool has_attribute(std::string_view name) const;
  std::vector<std::string> attribute_names() const;  // alphabetical
  void remove_attribute(std::string_view name);      // Error if missing

  // Writes (or replaces, whatever its old type) attribute `name`. Every integer type is spelled
  // out so that a literal like 3 or 3u is not ambiguous: signed -> int64, unsigned -> uint64.
  void set_attribute(std::string_view name, std::string_view value);
  void set_attribute(std::string_view name, const char* value);
  void set_attribute(std::string_view name, const std::string& value);
  void set_attribute(std::string_view name, bool value);
  void set_attribute(std::string_view name, int value);
  void set_attribute(std::string_view name, long value);
  void set_attribute(std::string_view name, long long value);
  void set_attribute(std::string_view name, unsigned value);
  void set_attribute(std::string_view name, unsigned long value);
  void set_attribute(std::string_view name, unsigned long long value);
  void set_attribute(std::string_view name, double value);
  void set_attribute(std::string_view name, std::span<const double> values);
  void set_attribute(std::string_view name, std::span<const std::int64_t> values);
  void set_attribute(std::string_view name, std::span<const std::string> values);

  // Reads attribute `name` as T, one of: std::string, std::int64_t, std::uint64_t, double, bool,
  // std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>. Scalars also accept
  // a 1-element array. Error if missing, of another class, or out of T's range.
  template <class T>
  T attribute(std::string_view name) const {
    static_assert(sizeof(T) == 0, "attribute<T>: unsupported T (see h5.hpp)");
  }

 protected:
  ObjectHandle handle_;
};

class Dataset : public Object {
 public:
  using Object::Object;
  std::vector<hsize_t> shape() const;  // {} for a scalar dataset

  // Dimension scales (HDF5's high-level DS API, the way netCDF-4, h5netcdf and xarray name axes):
  // make_scale turns this dataset into the scale of the dimension `name` (replacing an earlier
  // name); attach_scale labels dimension `dim` of this dataset with `scale` (a no-op when it is
  // attached already). Error when HDF5 refuses (a scale cannot label itself or another scale).
  void make_scale(std::string_view name);
  void attach_scale(const Dataset& scale, unsigned dim);
  bool is_scale() const;
};

class Group : public Object {
 public:
  using Object::Object;

  // --- groups and links
  Group create_group(std::string_view path);          // makes parents; Error if `path` exists
  Group open_group(std::string_view path) const;      // Error if missing or not a group
  Group require_group(std::string_view path);         // open, or create with parents
  Dataset open_dataset(std::string_view path) const;  // Error if missing or not a dataset
  bool exists(std::string_view path) const;           // false also when a parent is missing
  bool is_group(std::string_view path) const;
  bool is_dataset(std::string_view path) const;
  std::vector<std::string> children() const;  // member names, creation order if tracked
  void remove(std::string_view path);         // unlink (HDF5 does not reclaim the space)

  // --- 1-D arrays (graph arrays, histograms). Error if `path` exists.
  void write_array(std::string_view path, std::span<const double> values,
                   const ArrayOptions& options = {});
  void write_array(std::string_view path, std::span<const std::int64_t> values,
                   const ArrayOptions& options = {});
  void write_array(std::string_view path, std::span<const std::uint64_t> values,
                   const ArrayOptions& options = {});
  void write_array(std::string_view path, std::span<const std::int32_t> values,
                   const ArrayOptions& options = {});
  void write_array(std::string_view path, std::span<const std::uint32_t> values,
                   const ArrayOptions& options = {});
  void write_array(std::string_view path, std::span<const std::uint8_t> values,
                   const ArrayOptions& options = {});
  void write_array(std::string_view path, std::span<const std::string> values,
                   const ArrayOptions& options = {});
  // T: double, std::int64_t, std::uint64_t, std::int32_t, std::uint32_t, std::uint8_t, std::string.
  // Error unless the dataset is 1-D (a 2-D dataset is not flattened).
  template <class T>
  std::vector<T> read_array(std::string_view path) const {
    static_assert(sizeof(T) == 0, "read_array<T>: unsupported T (see h5.hpp)");
  }

  // --- 2-D matrices of double, int64, uint32, extensible along rows and columns. `values` is
  // row-major with `cols` > 0 columns and a multiple of cols entries. write_matrix: Error if `path`
  // exists. append_rows: creates the matrix if missing; rows narrower than the matrix are padded
  // with zeros, wider ones widen the matrix (earlier rows padded with zeros); Error if the element
  // type differs.
  void write_matrix(std::string_view path, std::span<const double> values, std::size_t cols);
  void write_matrix(std::string_view path, std::span<const std::int64_t> values, std::size_t cols);
  void write_matrix(std::string_view path, std::span<const std::uint32_t> values, std::size_t cols);
  void append_rows(std::string_view path, std::span<const double> values, std::size_t cols);
  void append_rows(std::string_view path, std::span<const std::int64_t> values, std::size_t cols);
  void append_rows(std::string_view path, std::span<const std::uint32_t> values, std::size_t cols);
  // T: double, std::int64_t, std::uint32_t. Error unless the dataset is 2-D.
  template <class T>
  Matrix<T> read_matrix(std::string_view path) const {
    static_assert(sizeof(T) == 0, "read_matrix<T>: unsupported T (see h5.hpp)");
  }

  // --- tables. write_table: Error if `path` exists. append_table: creates the table if missing;
  // otherwise the column names must be the same set (any order) with the same types, and the rows
  // are added at the end of every column. read_table: columns in the "columns" attribute's order
  // (or creation order for groups without it, e.g. written by h5py); stored integer types map to
  // the narrowest Column type holding them (int8/16/32 -> int32, uint16 -> int32, uint32 -> int64),
  // float types to double. Error if the columns' lengths differ.
  // Copies the object (group with everything below it, or dataset) at source_path in `source`
  // (possibly another file) to `path` here. Error if `path` exists.
  void copy_from(const Group& source, std::string_view source_path, std::string_view path);
  // Reads every attribute and dataset below this group in full (a damaged file fails here, or
  // crashes libhdf5: durable.hpp's probe_file runs it in a child process).
  void read_everything() const;

  void write_table(std::string_view path, const Table& table);
  void append_table(std::string_view path, const Table& table);
  Table read_table(std::string_view path) const;
};

class File : public Group {
 public:
  File() = default;
  // A new file; with IfExists::Fail (the default) an existing file is an Error and is not touched.
  static File create(const std::filesystem::path& name, IfExists if_exists = IfExists::Fail);
  // An existing file; Error if missing or not HDF5.
  static File open(const std::filesystem::path& name, Mode mode = Mode::ReadOnly);

  hid_t file_id() const noexcept { return file_.get(); }
  Mode mode() const noexcept { return mode_; }
  // Writes every buffer of this file to disk (a checkpoint).
  void flush();
  // Closes this File's handles now, reporting errors (the destructor ignores them). Objects still
  // open from this file keep it open until they are destroyed.
  void close();

 private:
  File(FileHandle file, ObjectHandle root, Mode mode)
      : Group(std::move(root)), file_(std::move(file)), mode_(mode) {}
  FileHandle file_;
  Mode mode_ = Mode::ReadOnly;
};

// Explicit specializations, defined in sim/io/h5.cpp.
template <>
std::string Object::attribute<std::string>(std::string_view) const;
template <>
std::int64_t Object::attribute<std::int64_t>(std::string_view) const;
template <>
std::uint64_t Object::attribute<std::uint64_t>(std::string_view) const;
template <>
double Object::attribute<double>(std::string_view) const;
template <>
bool Object::attribute<bool>(std::string_view) const;
template <>
std::vector<double> Object::attribute<std::vector<double>>(std::string_view) const;
template <>
std::vector<std::int64_t> Object::attribute<std::vector<std::int64_t>>(std::string_view) const;
template <>
std::vector<std::string> Object::attribute<std::vector<std::string>>(std::string_view) const;

template <>
std::vector<double> Group::read_array<double>(std::string_view) const;
template <>
std::vector<std::int64_t> Group::read_array<std::int64_t>(std::string_view) const;
template <>
std::vector<std::uint64_t> Group::read_array<std::uint64_t>(std::string_view) const;
template <>
std::vector<std::int32_t> Group::read_array<std::int32_t>(std::string_view) const;
template <>
std::vector<std::uint32_t> Group::read_array<std::uint32_t>(std::string_view) const;
template <>
std::vector<std::uint8_t> Group::read_array<std::uint8_t>(std::string_view) const;
template <>
std::vector<std::string> Group::read_array<std::string>(std::string_view) const;

template <>
Matrix<double> Group::read_matrix<double>(std::string_view) const;
template <>
Matrix<std::int64_t> Group::read_matrix<std::int64_t>(std::string_view) const;
template <>
Matrix<std::uint32_t> Group::read_matrix<std::uint32_t>(std::string_view) const;

}  // namespace nanoreach::io::h5
