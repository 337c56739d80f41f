import Foundation

/// One value per paper (its rendered Markdown, its card, its BibTeX
/// entry), made on first use and shared by every page that shows it: the
/// caching wrapped around the code that makes them, which never sees the
/// cache. Without a cache the values stay in memory. With one, a value
/// whose key (what it is made from) the last build stored is read from
/// there instead of made, a new one is stored for the next build, and with
/// `retains: false` none is kept in memory: each use reads it back, so a
/// large site's rendered text is not all in memory at once.
struct StoredValues<Value>: Sendable {
    private let values: LazyValues<Value>
    private let cache: CacheStore?
    private let encode: @Sendable (Value, inout ByteWriter) -> Void
    private let decode: @Sendable (inout ByteReader) -> Value?

    init(count: Int, cache: CacheStore?, retains: Bool,
         encode: @escaping @Sendable (Value, inout ByteWriter) -> Void, decode: @escaping @Sendable (inout ByteReader) -> Value?) {
        values = LazyValues(count: count, retains: retains || cache == nil)
        self.cache = cache
        self.encode = encode
        self.decode = decode
    }

    /// Value `i`, made by `make` unless it is in memory or stored under
    /// `key` (computed only with a cache).
    func value(_ i: Int, key: @autoclosure () -> UInt64, make: () -> Value) -> Value {
        guard let cache else { return values.value(i, make: make) }
        let key = key()
        return values.value(i, load: { cache.get(key, decode) }) {
            if let stored = cache.get(key, decode) { return stored }
            let made = make()
            cache.put(key) { encode(made, &$0) }
            return made
        }
    }

    /// The value stored under `key`, if any (none without a cache): for
    /// values kept by key alone, not one per paper.
    func stored(_ key: UInt64) -> Value? {
        cache?.get(key, decode)
    }

    /// Stores `value` under `key` (nothing without a cache).
    func store(_ key: UInt64, _ value: Value) {
        cache?.put(key) { encode(value, &$0) }
    }

    /// Keeps the values stored under `keys` for the next build without reading them.
    func retain(_ keys: [UInt64]) {
        cache?.retain(keys)
    }

    /// The hash of the bytes stored under `key`, if any (0 without a cache).
    func storedHash(_ key: @autoclosure () -> UInt64) -> UInt64? {
        guard let cache else { return 0 }
        return cache.storedHash(key())
    }

    /// `body` over the bytes stored under `key`, read in place; nil if none are.
    func withStoredBytes<T>(_ key: @autoclosure () -> UInt64, _ body: (UnsafeRawBufferPointer) -> T) -> T? {
        guard let cache else { return nil }
        return cache.withBytes(key(), body)
    }
}

extension StoredValues where Value == String {
    /// Strings, stored as themselves.
    init(count: Int, cache: CacheStore?, retains: Bool) {
        self.init(count: count, cache: cache, retains: retains, encode: { $1.string($0) }, decode: { $0.string() })
    }
}
