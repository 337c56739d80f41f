public enum PapersiteVersion {
    public static let current = "0.1.0"
}
