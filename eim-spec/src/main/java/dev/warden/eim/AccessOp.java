package dev.warden.eim;

/** What a state capability or a class item does to memory. */
public enum AccessOp {
    READ("read"), WRITE("write");
    private final String keyword;
    AccessOp(String keyword) { this.keyword = keyword; }
    public String keyword() { return keyword; }
}
