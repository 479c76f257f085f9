class Store {
    public String name() {
        return "store";
    }
}
