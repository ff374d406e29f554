#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<int> sorted;
    long long total = 0;
    for (int k = 0; k < n; ++k) {
        int x;
        cin >> x;
        sorted.insert(upper_bound(sorted.begin(), sorted.end(), x), x);
        total += sorted[k / 2];
    }
    cout << total << '\n';
    return 0;
}
