#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    long long k;
    cin >> n >> k;
    vector<long long> a(n);
    for (auto &x : a) cin >> x;
    sort(a.begin(), a.end());
    // two pointers over the sorted array, pairing runs of equal values
    long long cnt = 0;
    int i = 0, j = n - 1;
    while (i < j) {
        long long s = a[i] + a[j];
        if (s < k) {
            ++i;
        } else if (s > k) {
            --j;
        } else if (a[i] == a[j]) {
            long long m = j - i + 1;
            cnt += m * (m - 1) / 2;
            break;
        } else {
            long long ci = 1, cj = 1;
            while (i + 1 < j && a[i + 1] == a[i]) ++i, ++ci;
            while (j - 1 > i && a[j - 1] == a[j]) --j, ++cj;
            cnt += ci * cj;
            ++i;
            --j;
        }
    }
    cout << cnt << '\n';
    return 0;
}
