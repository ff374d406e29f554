#include <iostream>
#include <utility>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<int> a(n);
    long long total = 0;
    for (int k = 0; k < n; ++k) {
        int x;
        cin >> x;
        // walk the sorted prefix a[0..k): from the first value above x on,
        // every value moves one slot right
        for (int j = 0; j < k; ++j) {
            if (a[j] > x) swap(a[j], x);
        }
        a[k] = x;
        total += a[k / 2];
    }
    cout << total << '\n';
    return 0;
}
