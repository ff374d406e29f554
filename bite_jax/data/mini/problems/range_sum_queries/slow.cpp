#include <iostream>
#include <vector>
using namespace std;

// a_1 + ... + a_k, added up from the start every time
long long prefix(const vector<int> &a, int k) {
    long long s = 0;
    for (int i = 1; i <= k; ++i) s += a[i];
    return s;
}

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n, q;
    cin >> n >> q;
    vector<int> a(n + 1);
    for (int i = 1; i <= n; ++i) cin >> a[i];
    while (q--) {
        int l, r;
        cin >> l >> r;
        cout << prefix(a, r) - prefix(a, l - 1) << '\n';
    }
    return 0;
}
