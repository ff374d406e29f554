#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n, k;
    cin >> n >> k;
    vector<int> a(n);
    for (auto &x : a) cin >> x;
    long long total = 0;
    for (int i = 0; i + k <= n; ++i) total += *max_element(a.begin() + i, a.begin() + i + k);
    cout << total << '\n';
    return 0;
}
