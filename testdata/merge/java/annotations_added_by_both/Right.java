class Store {
    @Deprecated
    public String name() {
        return "store";
    }
}
