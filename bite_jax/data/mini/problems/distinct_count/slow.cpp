#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<int> a(n);
    for (auto &x : a) cin >> x;
    // a value is counted at its last occurrence
    int d = 0;
    for (int i = 0; i < n; ++i) {
        bool later = false;
        for (int j = i + 1; j < n; ++j)
            if (a[j] == a[i]) later = true;
        if (!later) ++d;
    }
    cout << d << '\n';
    return 0;
}
